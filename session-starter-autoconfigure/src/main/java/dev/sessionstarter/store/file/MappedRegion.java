package dev.sessionstarter.store.file;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A file mapped into memory that can be released before it is garbage collected, so a store
 * that maps and releases many files stays within the operating system's limit on mappings. On
 * Java 22 and later the mapping belongs to its own shared {@code java.lang.foreign.Arena}, closed
 * on {@link #release()} (see {@link ArenaMapper}); before that, the JDK's cleaner of the mapped
 * buffer is invoked through {@code sun.misc.Unsafe} (the supported way on those versions). The
 * classes are reached reflectively because the code is compiled for Java 17. If neither is
 * available, the mapping is released when collected.
 *
 * <p>After {@link #release()} the buffer must not be used: the caller serializes every use of
 * one region with its release.
 */
final class MappedRegion {

	private static final Log logger = LogFactory.getLog(MappedRegion.class);

	private static final Mapper MAPPER = Mapper.create();

	private final ByteBuffer buffer;

	private final @Nullable Object owner;

	private boolean released;

	MappedRegion(ByteBuffer buffer, @Nullable Object owner) {
		this.buffer = buffer;
		this.owner = owner;
	}

	/**
	 * Map a whole file for reading and writing.
	 * @param channel a channel open for reading and writing
	 * @return the region
	 * @throws IOException if the file cannot be mapped
	 */
	static MappedRegion map(FileChannel channel) throws IOException {
		return MAPPER.map(channel, channel.size());
	}

	/**
	 * Return what keeps the mapping for its {@link Mapper}: {@code null} for a plain mapped
	 * buffer, the arena and segment for an {@link ArenaMapper}.
	 */
	@Nullable Object owner() {
		return this.owner;
	}

	/**
	 * Return the mapped bytes.
	 * @return a direct buffer over the whole file
	 */
	ByteBuffer buffer() {
		return this.buffer;
	}

	/**
	 * Force the region's changes to the storage device.
	 */
	void force() {
		MAPPER.force(this);
	}

	/**
	 * Release the mapping; the buffer must not be used afterwards. Idempotent.
	 */
	void release() {
		if (!this.released) {
			this.released = true;
			MAPPER.release(this);
		}
	}

	/**
	 * How this JVM maps and releases files.
	 */
	abstract static class Mapper {

		/** Map the first {@code size} bytes of a file for reading and writing. */
		abstract MappedRegion map(FileChannel channel, long size) throws IOException;

		/** Force a region's changes to the storage device. */
		abstract void force(MappedRegion region);

		/** Release a region's mapping, once. */
		abstract void release(MappedRegion region);

		static Mapper create() {
			if (Runtime.version().feature() >= 22) {
				try {
					return new ArenaMapper();
				}
				catch (ReflectiveOperationException | RuntimeException ex) {
					logger.debug("Cannot map files into arenas; they are released when collected", ex);
					return new CollectedMapper(null);
				}
			}
			MethodHandle cleaner = null;
			try {
				Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
				Field field = unsafeClass.getDeclaredField("theUnsafe");
				field.setAccessible(true);
				cleaner = MethodHandles.lookup()
					.findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
					.bindTo(field.get(null));
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("Cannot release mapped files early; they are released when collected", ex);
			}
			return new CollectedMapper(cleaner);
		}

	}

	/**
	 * Java 17 to 21: a {@link MappedByteBuffer}, released by its cleaner when there is one.
	 */
	private static final class CollectedMapper extends Mapper {

		private final @Nullable MethodHandle cleaner;

		CollectedMapper(@Nullable MethodHandle cleaner) {
			this.cleaner = cleaner;
		}

		@Override
		MappedRegion map(FileChannel channel, long size) throws IOException {
			return new MappedRegion(channel.map(FileChannel.MapMode.READ_WRITE, 0, size), null);
		}

		@Override
		void force(MappedRegion region) {
			((MappedByteBuffer) region.buffer).force();
		}

		@Override
		void release(MappedRegion region) {
			if (this.cleaner != null) {
				try {
					this.cleaner.invokeExact(region.buffer);
				}
				catch (Throwable ex) {
					logger.debug("Cannot release a mapped file; it is released when collected", ex);
				}
			}
		}

	}

}
