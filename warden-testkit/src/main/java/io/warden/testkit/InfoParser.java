package io.warden.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the text of an {@code INFO} reply into field/value pairs, skipping section headers. */
final class InfoParser {

    private InfoParser() {}

    static Map<String, String> parse(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        info.lines().forEach(line -> {
            int colon = line.indexOf(':');
            if (!line.isEmpty() && !line.startsWith("#") && colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        });
        return fields;
    }
}
