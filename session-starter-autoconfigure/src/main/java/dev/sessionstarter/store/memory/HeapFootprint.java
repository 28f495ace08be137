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
 * value arrays, and for each attribute the serialized value array;</li>
 * <li>for a session with a principal, the principal name string.</li>
 * </ul>
 * Attribute names are held once per distinct name by the store's {@link SharedNames} and
 * counted there ({@link #sharedName(String)}), not per session; likewise the principal index
 * counts its own entries ({@link #PRINCIPAL_ENTRY}, {@link #PRINCIPAL_ID_SET},
 * {@link #PRINCIPAL_ID}).
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

	/**
	 * The store's entry object: record reference, footprint, its two links in the eviction order,
	 * the stamp and list of its last move there.
	 */
	private static final long ENTRY = align(HEADER + 3 * REF + 8 + 4 + 1);

	/** A SharedNames counter: the name reference and an int. */
	private static final long SHARED_NAME = align(HEADER + REF + 4);

	/** A SessionRecord object: four references and four longs. */
	private static final long RECORD = align(HEADER + 4L * REF + 4 * 8);

	/** A principal's entry in the principal index: its node and two table slots. */
	static final long PRINCIPAL_ENTRY = MAP_NODE;

	/**
	 * The id set of a principal with several sessions: the KeySetView (map, value), its
	 * ConcurrentHashMap (eight references, a long, three ints) and the default 16-slot table;
	 * each id in it takes a further {@link #PRINCIPAL_ID}.
	 */
	static final long PRINCIPAL_ID_SET = align(HEADER + 2L * REF) + align(HEADER + 8L * REF + 8 + 3 * 4)
			+ referenceArray(16);

	/** A session id's node in a principal's id set, and two table slots as the set grows. */
	static final long PRINCIPAL_ID = MAP_NODE;

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
			bytes += byteArray(record.attributeValue(i).length);
		}
		String principal = record.principalName();
		if (principal != null) {
			bytes += string(principal);
		}
		return bytes;
	}

	/**
	 * Return the bytes one distinct attribute name retains in the store's {@link SharedNames}:
	 * its string, the table's node and slots, and the counter object.
	 * @param name the attribute name
	 * @return its size
	 */
	static long sharedName(String name) {
		return MAP_NODE + SHARED_NAME + string(name);
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
