package io.warden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No two classes of warden-core depend on each other, directly or through others, so each can be
 * read knowing only the ones below it. A nested class counts as part of its top-level class. The
 * graph is the one {@code jdeps} sees in the compiled classes, so every kind of reference counts.
 *
 * <p>One cycle is by design: {@code Warden.builder()} returns {@code ConnectedWarden}, the
 * implementation of {@link Warden}, as any type's own factory does. Across packages there is none:
 * no internal class knows {@code Warden}. The packages still depend on each other (the builder
 * opens the engine; the engine implements the API's other interfaces); making that one-way would
 * take a public service-provider type, which the API is better without.
 */
class ClassCycleTest {
    private static final Set<String> A_TYPE_AND_ITS_FACTORYS_PRODUCT =
            Set.of("io.warden.ConnectedWarden", "io.warden.Warden");

    @Test
    void wardenCoreHasNoClassLevelDependencyCycle(@TempDir Path copy) throws Exception {
        Map<String, Set<String>> graph = dependencies(copy);
        assertThat(graph).as("the class graph jdeps reported").hasSizeGreaterThan(30);

        assertThat(cycles(graph)).as("classes that depend on each other").containsOnly(A_TYPE_AND_ITS_FACTORYS_PRODUCT);
    }

    /** Top-level class → the warden classes it references, as jdeps reads the compiled classes. */
    private static Map<String, Set<String>> dependencies(Path copy) throws Exception {
        Path classes = Path.of(
                Warden.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // Without module-info, jdeps reads the classes alone instead of resolving the module's
        // dependencies, which this graph does not need.
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.toString().endsWith(".class") && !file.endsWith("module-info.class")) {
                    Path target = copy.resolve(classes.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        PrintWriter writer = new PrintWriter(out);
        int status = jdeps.run(writer, writer, "-verbose:class", "-filter:none", copy.toString());
        writer.flush();
        assertThat(status).as("jdeps: %s", out).isZero();

        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 3 && parts[1].equals("->") && parts[2].startsWith("io.warden.")) {
                String from = topLevel(parts[0]);
                String to = topLevel(parts[2]);
                graph.computeIfAbsent(from, k -> new TreeSet<>());
                if (!from.equals(to)) {
                    graph.get(from).add(to);
                }
            }
        }
        return graph;
    }

    private static String topLevel(String className) {
        int nested = className.indexOf('$');
        return nested < 0 ? className : className.substring(0, nested);
    }

    /** The strongly connected components with more than one class (Tarjan). */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, graph, index, low, stack, cycles);
            }
        }
        return cycles;
    }

    private static void connect(
            String v,
            Map<String, Set<String>> graph,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            List<Set<String>> cycles) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, cycles);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
    }
}
