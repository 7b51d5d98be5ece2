/**
 * Warden: distributed locks on Redis. The API is the {@code io.warden} package; everything else is
 * internal and may change in any release.
 */
module io.warden {
    requires transitive lettuce.core;
    requires transitive org.slf4j;

    exports io.warden;
}
