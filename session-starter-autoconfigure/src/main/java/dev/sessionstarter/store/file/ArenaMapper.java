package dev.sessionstarter.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import org.jspecify.annotations.Nullable;

/**
 * How {@link MappedRegion} maps files on Java 22 and later: each file is a memory segment of its
 * own shared {@code java.lang.foreign.Arena}, closed when the region is released. The classes are
 * reached through method handles, because the code is compiled for Java 17.
 */
final class ArenaMapper extends MappedRegion.Mapper {

	private final MethodHandle ofShared;

	private final MethodHandle map;

	private final MethodHandle asByteBuffer;

	private final MethodHandle force;

	private final MethodHandle close;

	ArenaMapper() throws ReflectiveOperationException {
		MethodHandles.Lookup lookup = MethodHandles.publicLookup();
		Class<?> arena = Class.forName("java.lang.foreign.Arena");
		Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
		this.ofShared = lookup.findStatic(arena, "ofShared", MethodType.methodType(arena));
		this.map = lookup.findVirtual(FileChannel.class, "map",
				MethodType.methodType(segment, FileChannel.MapMode.class, long.class, long.class, arena));
		this.asByteBuffer = lookup.findVirtual(segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class));
		this.force = lookup.findVirtual(segment, "force", MethodType.methodType(void.class));
		this.close = lookup.findVirtual(arena, "close", MethodType.methodType(void.class));
	}

	@Override
	MappedRegion map(FileChannel channel, long size) throws IOException {
		Object arena = invoke(() -> this.ofShared.invoke());
		try {
			Object segment = invoke(() -> this.map.invoke(channel, FileChannel.MapMode.READ_WRITE, 0L, size, arena));
			ByteBuffer buffer = (ByteBuffer) invoke(() -> this.asByteBuffer.invoke(segment));
			return new MappedRegion(buffer, new Object[] { arena, segment });
		}
		catch (IOException | RuntimeException | Error ex) {
			invoke(() -> {
				this.close.invoke(arena);
				return null;
			});
			throw ex;
		}
	}

	@Override
	void force(MappedRegion region) {
		Object segment = ((Object[]) region.owner())[1];
		uncheckedInvoke(() -> {
			this.force.invoke(segment);
			return null;
		});
	}

	@Override
	void release(MappedRegion region) {
		Object arena = ((Object[]) region.owner())[0];
		uncheckedInvoke(() -> {
			this.close.invoke(arena);
			return null;
		});
	}

	private static Object uncheckedInvoke(Call call) {
		try {
			return invoke(call);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Object invoke(Call call) throws IOException {
		try {
			return call.call();
		}
		catch (IOException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	private interface Call {

		@Nullable Object call() throws Throwable;

	}

}
