package io.warden.spring.boot;

import io.warden.LeaseOptions;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.ParserContext;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.StringValueResolver;

/**
 * Reads and checks {@link WardenLocked} and {@link WardenTask} on one method, once, when its bean is
 * created: placeholders resolved, durations parsed, the name expression parsed and its {@code
 * #variables} matched against the method's parameters. Every problem is reported as an {@link
 * IllegalStateException} naming the bean, the method and the attribute.
 */
final class AnnotatedMethods {
    static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();
    private static final SpelExpressionParser PARSER = new SpelExpressionParser();

    private final StringValueResolver placeholders;

    AnnotatedMethods(StringValueResolver placeholders) {
        this.placeholders = placeholders;
    }

    /** A checked {@link WardenLocked}: the name expression, and the wait and lease (null: default). */
    record Locked(
            Expression name,
            @Nullable Duration waitFor,
            @Nullable Duration lease) {}

    /** A checked {@link WardenTask}: the name and bounds (null: the task lock's default). */
    record Task(
            String name,
            @Nullable Duration lockAtMostFor,
            @Nullable Duration lockAtLeastFor) {}

    Locked locked(String beanName, Method method, WardenLocked annotation) {
        Where where = new Where("@WardenLocked", beanName, method);
        String template = resolve(where, "name", annotation.name());
        if (template.isBlank()) {
            throw where.error("name", "must not be blank");
        }
        Expression name;
        try {
            name = PARSER.parseExpression(template, ParserContext.TEMPLATE_EXPRESSION);
        } catch (ParseException e) {
            throw where.error("name", "'" + template + "' is not a valid expression: " + e.getSimpleMessage());
        }
        checkVariables(where, method, template, name);
        Duration wait = duration(where, "waitFor", annotation.waitFor());
        if (wait != null && wait.isNegative()) {
            throw where.error("waitFor", "must not be negative, got " + wait);
        }
        Duration lease = duration(where, "lease", annotation.lease());
        if (lease != null) {
            leaseRange(where, "lease", lease);
            if (wait == null) {
                throw where.error("waitFor", "must be set when lease is (a fixed lease needs an explicit wait)");
            }
        }
        return new Locked(name, wait, lease);
    }

    Task task(String beanName, Method method, WardenTask annotation) {
        Where where = new Where("@WardenTask", beanName, method);
        String name = resolve(where, "name", annotation.name());
        if (name.isBlank()) {
            throw where.error("name", "must not be blank");
        }
        Duration atMost = duration(where, "lockAtMostFor", annotation.lockAtMostFor());
        if (atMost != null) {
            leaseRange(where, "lockAtMostFor", atMost);
        }
        Duration atLeast = duration(where, "lockAtLeastFor", annotation.lockAtLeastFor());
        if (atLeast != null && !atLeast.isZero()) {
            leaseRange(where, "lockAtLeastFor", atLeast);
        }
        if (atMost != null && atLeast != null && atLeast.compareTo(atMost) > 0) {
            throw where.error("lockAtLeastFor", atLeast + " exceeds lockAtMostFor " + atMost);
        }
        return new Task(name, atMost, atLeast);
    }

    private String resolve(Where where, String attribute, String value) {
        try {
            String resolved = placeholders.resolveStringValue(value);
            return resolved == null ? "" : resolved;
        } catch (IllegalArgumentException e) {
            throw where.error(attribute, e.getMessage());
        }
    }

    private @Nullable Duration duration(Where where, String attribute, String value) {
        String text = resolve(where, attribute, value).trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw where.error(attribute, "'" + text + "' is not a duration (e.g. 5s, 500ms, PT1M)");
        }
    }

    private static void leaseRange(Where where, String attribute, Duration value) {
        try {
            LeaseOptions.leaseTime(value);
        } catch (IllegalArgumentException e) {
            throw where.error(attribute, e.getMessage());
        }
    }

    /** Fails on {@code #x} where x is neither a parameter name nor p0/a0-style, nor root/this. */
    private static void checkVariables(Where where, Method method, String template, Expression name) {
        String[] names = PARAMETER_NAMES.getParameterNames(method);
        Set<String> known = new HashSet<>(List.of("root", "this"));
        if (names != null) {
            known.addAll(Arrays.asList(names));
        }
        for (int i = 0; i < method.getParameterCount(); i++) {
            known.add("p" + i);
            known.add("a" + i);
        }
        List<String> used = new ArrayList<>();
        collectVariables(name, used);
        for (String variable : used) {
            if (!known.contains(variable)) {
                String hint = names == null
                        ? " (parameter names are not in the class file: compile with -parameters, or use #p0)"
                        : " (parameters: "
                                + Arrays.stream(names).map(n -> "#" + n).collect(Collectors.joining(", "))
                                + ")";
                throw where.error("name", "'" + template + "' uses unknown variable #" + variable + hint);
            }
        }
    }

    private static void collectVariables(Expression expression, List<String> into) {
        if (expression instanceof CompositeStringExpression composite) {
            for (Expression part : composite.getExpressions()) {
                collectVariables(part, into);
            }
        } else if (expression instanceof SpelExpression spel) {
            collectVariables(spel.getAST(), into);
        }
    }

    private static void collectVariables(SpelNode node, List<String> into) {
        if (node instanceof VariableReference) {
            into.add(node.toStringAST().substring(1));
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            collectVariables(node.getChild(i), into);
        }
    }

    /** The annotation, bean and method that a message is about. */
    private record Where(String annotation, String beanName, Method method) {
        IllegalStateException error(String attribute, @Nullable String problem) {
            return new IllegalStateException(annotation + " on bean '" + beanName + "', method "
                    + method.getDeclaringClass().getSimpleName() + "." + method.getName() + "("
                    + Arrays.stream(method.getParameterTypes())
                            .map(Class::getSimpleName)
                            .collect(Collectors.joining(", "))
                    + "): attribute '" + attribute + "': " + problem);
        }
    }
}
