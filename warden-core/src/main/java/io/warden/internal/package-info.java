/**
 * Warden's implementation: not exported by the module, and free to change in any release. Types are
 * package-private unless the API package ({@code io.warden}) needs them.
 */
@NullMarked
package io.warden.internal;

import org.jspecify.annotations.NullMarked;
