/**
 * Warden: distributed locks on Redis. The API is the {@code io.warden} package; everything else is
 * internal and may change in any release.
 */
module io.warden {
    requires transitive lettuce.core;
    requires transitive org.slf4j;
    // Lettuce's own dependency: its event bus is how a Cluster's topology changes are heard.
    requires reactor.core;
    // The API's nullness annotations: needed to compile against them, optional at run time.
    requires static transitive org.jspecify;

    exports io.warden;
}
