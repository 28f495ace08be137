/**
 * The {@code file} store: one file per session in a directory that several JVMs may share,
 * and its lock manager, built on OS-level file locks.
 */
@NullMarked
package dev.sessionstarter.store.file;

import org.jspecify.annotations.NullMarked;
