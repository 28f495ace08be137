package dev.sessionstarter.store.file;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The keyed hash that spreads session ids over the slots of a lock file: SipHash-2-4 of the
 * id's characters under a random 128-bit key kept in the lock file itself (see
 * {@link LockFile}), so every process that shares the file puts an id in the same slot, and
 * nobody who does not know the key can choose ids that share a slot with another user's
 * session. Immutable and thread-safe.
 */
final class SlotHash {

	/**
	 * The length of the key, in bytes.
	 */
	static final int KEY_LENGTH = 16;

	private final long k0;

	private final long k1;

	/**
	 * Create the hash of a key.
	 * @param key {@value #KEY_LENGTH} bytes
	 */
	SlotHash(byte[] key) {
		ByteBuffer buffer = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
		this.k0 = buffer.getLong(0);
		this.k1 = buffer.getLong(8);
	}

	/**
	 * Return the slot of an id among a number of slots.
	 * @param id the id
	 * @param slots the number of slots, a power of two
	 * @return the slot, from 0 to {@code slots} - 1
	 */
	int slot(String id, int slots) {
		return (int) hash(id) & (slots - 1);
	}

	/**
	 * Return which of several tables an id's lock is in, from the upper bits of its hash (apart
	 * from the bits {@link #slot} uses).
	 * @param id the id
	 * @param tables the number of tables, a power of two
	 * @return the table, from 0 to {@code tables} - 1
	 */
	int shard(String id, int tables) {
		return (int) (hash(id) >>> 40) & (tables - 1);
	}

	/**
	 * SipHash-2-4 of the id's UTF-16 code units, two bytes each, little-endian.
	 * @param id the id
	 * @return its hash
	 */
	long hash(String id) {
		State state = new State(this.k0, this.k1);
		int length = id.length();
		int i = 0;
		for (; i + 4 <= length; i += 4) {
			state.compress(id.charAt(i) | ((long) id.charAt(i + 1) << 16) | ((long) id.charAt(i + 2) << 32)
					| ((long) id.charAt(i + 3) << 48), 2);
		}
		long last = ((long) (length * 2) & 0xff) << 56;
		for (int shift = 0; i < length; i++, shift += 16) {
			last |= (long) id.charAt(i) << shift;
		}
		state.compress(last, 2);
		state.v2 ^= 0xff;
		state.rounds(4);
		return state.v0 ^ state.v1 ^ state.v2 ^ state.v3;
	}

	/**
	 * The four words of a SipHash computation.
	 */
	private static final class State {

		long v0;

		long v1;

		long v2;

		long v3;

		State(long k0, long k1) {
			this.v0 = 0x736f6d6570736575L ^ k0;
			this.v1 = 0x646f72616e646f6dL ^ k1;
			this.v2 = 0x6c7967656e657261L ^ k0;
			this.v3 = 0x7465646279746573L ^ k1;
		}

		void compress(long m, int rounds) {
			this.v3 ^= m;
			rounds(rounds);
			this.v0 ^= m;
		}

		void rounds(int rounds) {
			for (int round = 0; round < rounds; round++) {
				this.v0 += this.v1;
				this.v1 = Long.rotateLeft(this.v1, 13) ^ this.v0;
				this.v0 = Long.rotateLeft(this.v0, 32);
				this.v2 += this.v3;
				this.v3 = Long.rotateLeft(this.v3, 16) ^ this.v2;
				this.v0 += this.v3;
				this.v3 = Long.rotateLeft(this.v3, 21) ^ this.v0;
				this.v2 += this.v1;
				this.v1 = Long.rotateLeft(this.v1, 17) ^ this.v2;
				this.v2 = Long.rotateLeft(this.v2, 32);
			}
		}

	}

}
