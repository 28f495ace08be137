package dev.sessionstarter.store.file;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionHandle;
import dev.sessionstarter.store.SessionRecord;

/**
 * A binary session file mapped into memory, the {@link SessionHandle} a memoized cache keeps on
 * each session it caches over the file store. The file's {@linkplain SlottedFile two-slot
 * layout} is written in place by every process, so the mapping shows other processes' writes
 * as soon as they are made: a version check is two reads of memory, and a write (under the
 * store's record lock, like every write) copies the new record into the slot that does not hold
 * the newest one. A mapped write is in the operating system's page cache, where a plain write
 * also goes: it survives the death of this process, and is forced to the disk only when the
 * store forces its writes.
 *
 * <p>When the file is replaced (the session outgrew its slots) or deleted, the writer marks the
 * old file gone first; the mapping then sees the mark and maps the path again (see
 * {@link SessionFileMapper}). The mapping is released by {@link #close()} (see
 * {@link MappedRegion}); every use of one instance, {@code close()} included, must be serialized
 * by the caller, which is what makes the release safe.
 */
final class MappedSessionFile implements SessionHandle {

	private static final Log logger = LogFactory.getLog(MappedSessionFile.class);

	private final FileSessionStore store;

	private final String id;

	private final Path path;

	private @Nullable MappedRegion region;

	private @Nullable Object fileKey;

	private long size;

	private boolean closed;

	private MappedSessionFile(FileSessionStore store, String id, Path path) {
		this.store = store;
		this.id = id;
		this.path = path;
	}

	/**
	 * Map a session file.
	 * @param store the store the file belongs to
	 * @param id the session id
	 * @param path the session file
	 * @return the handle, or {@code null} if the file is missing, not in the slotted layout, or
	 * holds no valid record
	 */
	static @Nullable MappedSessionFile open(FileSessionStore store, String id, Path path) {
		MappedSessionFile file = new MappedSessionFile(store, id, path);
		if (file.remap() == null) {
			return null;
		}
		return file;
	}

	String id() {
		return this.id;
	}

	Path path() {
		return this.path;
	}

	@Override
	public @Nullable Long version() {
		ByteBuffer mapping = current();
		return (mapping != null) ? SlotReads.claimedVersion(mapping) : null;
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change, SessionRecord current) {
		return this.store.save(this, change, current);
	}

	/**
	 * Return the mapping, mapping the path again if the file is marked gone.
	 * @return the mapping, or {@code null} if the path holds no usable file (deleted, being
	 * replaced, or not mappable): the caller then goes to the store by id, under the record lock,
	 * which waits for a replacement in progress
	 */
	@Nullable ByteBuffer current() {
		MappedRegion region = this.region;
		if (region != null && !GoneMarks.isGoing(region.buffer())) {
			return region.buffer();
		}
		try {
			return remap();
		}
		catch (UncheckedIOException ex) {
			// out of mappings, say: the caller goes to the store by id
			logger.debug("Cannot map session file " + this.path + " again", ex);
			return null;
		}
	}

	/**
	 * Return the mapping if it is of the file the path names now, with the size it has now;
	 * otherwise map the path again, as {@link #current()} does.
	 * @param attributes the path's attributes, read without following a link
	 * @return the mapping, or {@code null} if the path holds no usable file
	 */
	@Nullable ByteBuffer current(BasicFileAttributes attributes) {
		if (this.region != null
				&& (!Objects.equals(attributes.fileKey(), this.fileKey) || attributes.size() != this.size)) {
			unmap();
		}
		return current();
	}

	/**
	 * Copy an encoded record into the slot that does not hold the newest one, which must fit,
	 * and make it the newest.
	 * @param mapping the mapping {@link #current()} returned
	 * @param newest the slot that holds the newest record now
	 * @param record the encoded record
	 * @param force whether to force the slot to the disk
	 */
	void write(ByteBuffer mapping, int newest, byte[] record, boolean force) {
		SlottedFile.putSlot(mapping, 1 - newest, record);
		if (force && this.region != null) {
			this.region.force();
		}
	}

	/**
	 * Drop the mapping after the file was replaced by this process; the next use maps the path
	 * again.
	 */
	void invalidate() {
		unmap();
	}

	@Override
	public void close() {
		this.closed = true;
		unmap();
	}

	private @Nullable ByteBuffer remap() {
		unmap();
		if (this.closed) {
			return null;
		}
		SessionFileMapper.Mapped mapped = SessionFileMapper.map(this.path, this.id);
		if (mapped == null) {
			return null;
		}
		ByteBuffer mapping = mapped.region().buffer();
		this.region = mapped.region();
		this.fileKey = mapped.fileKey();
		this.size = mapping.capacity();
		this.store.mapped(1);
		return mapping;
	}

	private void unmap() {
		MappedRegion region = this.region;
		if (region != null) {
			this.region = null;
			this.store.mapped(-1);
			region.release();
		}
	}

}
