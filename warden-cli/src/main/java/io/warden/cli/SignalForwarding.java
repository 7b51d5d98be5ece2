package io.warden.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 from the JVM (whose default is to exit), so
 * {@code warden exec} can pass them on to its command and still release the lock afterwards.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the only way to do that without native code.
 * It is reached through reflection because javac's "internal proprietary API" warning about it has no
 * {@code @SuppressWarnings} key and the build turns warnings into errors. A signal the JVM cannot hand
 * over (ignored when it started, or taken by {@code -Xrs}) keeps its default behaviour.
 */
final class SignalForwarding {
    private static final Logger log = LoggerFactory.getLogger(SignalForwarding.class);

    /** Receives each signal: its name without "SIG" (such as {@code TERM}) and its number. */
    interface Receiver {
        void received(String name, int number);
    }

    private SignalForwarding() {}

    /** Installs {@code receiver} for INT, TERM, HUP, USR1 and USR2; returns the names it could take over. */
    static List<String> install(Receiver receiver) {
        List<String> taken = new ArrayList<>();
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method name = signalClass.getMethod("getName");
            Method number = signalClass.getMethod("getNumber");
            InvocationHandler dispatch = (proxy, method, args) -> switch (method.getName()) {
                case "handle" -> {
                    receiver.received((String) name.invoke(args[0]), (Integer) number.invoke(args[0]));
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> "SignalForwarding";
            };
            Object handler = Proxy.newProxyInstance(
                    SignalForwarding.class.getClassLoader(), new Class<?>[] {handlerClass}, dispatch);
            for (String signal : List.of("INT", "TERM", "HUP", "USR1", "USR2")) {
                try {
                    handle.invoke(null, signalClass.getConstructor(String.class).newInstance(signal), handler);
                    taken.add(signal);
                } catch (InvocationTargetException e) {
                    log.debug(
                            "SIG{} keeps its default behaviour: {}",
                            signal,
                            e.getCause().toString());
                }
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            log.debug("signals keep their default behaviour: {}", e.toString());
        }
        return taken;
    }
}
