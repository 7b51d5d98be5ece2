/**
 * Micrometer metrics for Warden: {@link io.warden.micrometer.WardenMeterBinder} binds a {@link
 * io.warden.Warden}'s acquisitions (by outcome, with wait times), hold times, leases held, renewals,
 * losses (by cause) and task runs to a {@code MeterRegistry}. It listens on the Warden through {@link
 * io.warden.WardenListener}, so it attaches to an instance already in use.
 */
package io.warden.micrometer;
