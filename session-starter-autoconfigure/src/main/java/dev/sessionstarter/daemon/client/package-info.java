/**
 * The client side of the session daemon: a connection pool with per-call deadlines, the
 * {@code daemon} session store and the {@code daemon} lock manager.
 */
@NullMarked
package dev.sessionstarter.daemon.client;

import org.jspecify.annotations.NullMarked;
