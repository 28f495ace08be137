package dev.sessionstarter.store.memory;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionRecord;

/**
 * Counts the heap bytes one stored session retains in a {@link MemorySessionStore}: every
 * object the store keeps for it, each sized by the HotSpot layout (object header, fields,
 * 8-byte alignment) with the reference width the running JVM uses. Nothing is sampled or
 * guessed from averages:
 * <ul>
 * <li>the map entry: hash-table node, an average of two table slots, the store's entry;</li>
 * <li>the {@link SessionRecord} object, its id and principal name strings, its name and
 * value arrays, and for each attribute the name string and the serialized value array;</li>
 * <li>for a session with a principal, the principal name string, the principal's node and slots
 * in the principal index, and the principal's id set (a {@code ConcurrentHashMap.newKeySet()}:
 * the view, its map, a 16-slot table) with this session's node in it.</li>
 * </ul>
 * Attribute name strings are counted for every session even where sessions share one string, and
 * a principal's id set for each of its sessions even though they share it, so the count errs on
 * the high side.
 */
final class HeapFootprint {

	private static final boolean COMPRESSED_OOPS = compressedOops();

	/** Bytes of a reference. */
	static final int REF = COMPRESSED_OOPS ? 4 : 8;

	/** Bytes of an object header (mark word and class pointer). */
	static final int HEADER = COMPRESSED_OOPS ? 12 : 16;

	/** Bytes of an array header (object header and length). */
	static final int ARRAY_HEADER = COMPRESSED_OOPS ? 16 : 24;

	/** A ConcurrentHashMap node (hash, key, value, next) and two table slots. */
	private static final long MAP_NODE = align(HEADER + 4 + 3 * REF) + 2L * REF;

	/** The store's entry object (record reference, footprint). */
	private static final long ENTRY = align(HEADER + REF + 8);

	/** A SessionRecord object: four references and four longs. */
	private static final long RECORD = align(HEADER + 4L * REF + 4 * 8);

	/**
	 * A principal's id set in the principal index: the KeySetView (map, value), its
	 * ConcurrentHashMap (eight references, a long, three ints), the default 16-slot table, and the
	 * node holding one session id.
	 */
	private static final long PRINCIPAL_ID_SET = align(HEADER + 2L * REF) + align(HEADER + 8L * REF + 8 + 3 * 4)
			+ referenceArray(16) + align(HEADER + 4 + 3 * REF);

	private HeapFootprint() {
	}

	/**
	 * Return the bytes a stored session retains.
	 * @param record the session
	 * @return its footprint in bytes
	 */
	static long of(SessionRecord record) {
		long bytes = MAP_NODE + ENTRY + RECORD + string(record.id());
		int count = record.attributeCount();
		bytes += referenceArray(count) * 2;
		for (int i = 0; i < count; i++) {
			bytes += string(record.attributeName(i)) + byteArray(record.attributeValue(i).length);
		}
		String principal = record.principalName();
		if (principal != null) {
			bytes += string(principal) + MAP_NODE + PRINCIPAL_ID_SET;
		}
		return bytes;
	}

	/**
	 * Return the bytes of a string: the String object and its backing array (one byte a
	 * character for Latin-1 strings, two otherwise).
	 * @param value the string
	 * @return its size
	 */
	static long string(@Nullable String value) {
		if (value == null) {
			return 0;
		}
		int length = value.length();
		boolean latin1 = true;
		for (int i = 0; i < length && latin1; i++) {
			latin1 = value.charAt(i) < 256;
		}
		return align(HEADER + REF + 4 + 2) + byteArray(latin1 ? length : 2L * length);
	}

	static long byteArray(long length) {
		return align(ARRAY_HEADER + length);
	}

	static long referenceArray(long length) {
		return align(ARRAY_HEADER + length * REF);
	}

	static long align(long bytes) {
		return (bytes + 7) & ~7L;
	}

	private static boolean compressedOops() {
		try {
			HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			return Boolean.parseBoolean(bean.getVMOption("UseCompressedOops").getValue());
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

}
