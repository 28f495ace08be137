package dev.sessionstarter.store.redis;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;

/**
 * The arguments of the script that saves a change to a session still at the version of the
 * caller's copy ({@link SessionScripts#SAVE_CURRENT}): the change applied to the copy here, so
 * that the script writes the fields that changed, the new version and the key's time to live as
 * they are sent, with no number to convert and only the version to read. A session at another
 * version is answered {@link #STALE} and saved by the merging script ({@link SessionSaves}).
 */
final class CurrentSaves {

	/**
	 * The answer of the script when the merging script is to save the change.
	 */
	static final long STALE = 0;

	/**
	 * The answer of the script when it applied the change.
	 */
	static final long APPLIED = 1;

	/**
	 * The most attributes a change saved this way sets or removes: the script passes its fields
	 * to one command, and Lua bounds how many values it unpacks at once.
	 */
	static final int MAX_ATTRIBUTES = 1000;

	private static final int FIXED_ARGUMENTS = 8;

	private static final byte[] ACCESSED = SessionHash.bytes("accessed");

	private static final byte[] TIMEOUT = SessionHash.bytes("timeout");

	private static final byte[] PRINCIPAL = SessionHash.bytes("principal");

	private static final byte[] VERSION = SessionHash.bytes("version");

	/**
	 * The key margin ({@link #keyMargin}) that leaves the key's expiry as it is.
	 */
	static final long UNMOVED_KEY = -1;

	private static final byte[] UNMOVED = SessionHash.bytes("0");

	private CurrentSaves() {
	}

	/**
	 * Whether a change may be saved by this script: it changes a stored session without
	 * creating or renaming it, and has not too many attributes.
	 * @param change the change
	 * @return whether {@link #arguments} may be used for it
	 */
	static boolean canSave(SessionChange change) {
		return !change.isCreate() && !change.isRename() && change.attributes().size() <= MAX_ATTRIBUTES;
	}

	/**
	 * Return how long past its expiry the key of a session saved under a retained lock is kept:
	 * the margin and half of it again, so that while its last access moves less than a quarter
	 * of the margin from the one its expiry was set for, its saves need not set it again (the key
	 * lives at least the margin past the session's expiry, and at most one and a half margins).
	 * @param change the change
	 * @param saved the change applied to the copy
	 * @param marginMillis how long past its expiry the key is kept at least
	 * @param keySetFor the access time the key's expiry was last set for by a save that kept it
	 * this long, or {@link Long#MIN_VALUE} if not known
	 * @return the margin to set the key's expiry with, or {@link #UNMOVED_KEY} to leave it as it is
	 */
	static long keyMargin(SessionChange change, SessionRecord saved, long marginMillis, long keySetFor) {
		boolean setFarEnough = marginMillis > 0 && keySetFor != Long.MIN_VALUE && change.maxInactiveMillis() == null
				&& saved.maxInactiveMillis() >= 0 && saved.lastAccessedTime() - keySetFor <= marginMillis / 4;
		return setFarEnough ? UNMOVED_KEY : marginMillis + marginMillis / 2;
	}

	/**
	 * Return the arguments of the script for a change, applied to a copy.
	 * @param change the change, for which {@link #canSave} holds
	 * @param copy the caller's copy of the session
	 * @param saved the change applied to the copy ({@link SessionRecord#apply})
	 * @param id the session id, encoded
	 * @param now the current time, epoch millis (the key's time to live is counted from it)
	 * @param marginMillis how long past its expiry the key is kept, or {@link #UNMOVED_KEY} to
	 * leave its expiry as it is ({@link #keyMargin})
	 * @param fence the fence of a save under a request lock this process holds (as
	 * {@link SessionSaves#saveArguments} takes it), or {@code null} for a save the lock does not fence
	 * @param retainMillis how long the lock the save releases is retained instead,
	 * {@link SessionSaves#UNMOVED_RETENTION} to retain it with the expiry it has, or {@code null} to
	 * delete it
	 * @return the arguments
	 * @throws SessionTooLargeException if a value is longer than Redis accepts
	 */
	static byte[][] arguments(SessionChange change, SessionRecord copy, SessionRecord saved, byte[] id, long now,
			long marginMillis, byte @Nullable [][] fence, @Nullable Long retainMillis) {
		Map<String, byte @Nullable []> attributes = change.attributes();
		Long accessed = change.lastAccessedTime();
		boolean accessedLater = accessed != null && accessed > copy.lastAccessedTime();
		boolean principalSet = change.isPrincipalNameChanged() && change.principalName() != null;
		boolean principalRemoved = change.isPrincipalNameChanged() && change.principalName() == null;
		int removedAttributes = 0;
		for (byte[] value : attributes.values()) {
			if (value == null) {
				removedAttributes++;
			}
			else if (value.length > SessionSaves.MAX_VALUE_BYTES) {
				throw new SessionTooLargeException(change.id(), value.length, SessionSaves.MAX_VALUE_BYTES);
			}
		}
		int removed = removedAttributes + (principalRemoved ? 1 : 0);
		// the attributes set, the version, and the access time, timeout and principal if they change
		int set = attributes.size() - removedAttributes + 1 + (accessedLater ? 1 : 0)
				+ ((change.maxInactiveMillis() != null) ? 1 : 0) + (principalSet ? 1 : 0);
		byte[][] args = new byte[FIXED_ARGUMENTS + removed + 2 * set][];
		args[0] = SessionHash.number(copy.version());
		if (fence == null) {
			args[1] = SessionHash.EMPTY;
			args[2] = SessionHash.EMPTY;
			args[3] = SessionHash.EMPTY;
			args[4] = id;
		}
		else {
			System.arraycopy(fence, 0, args, 1, SessionSaves.FENCE_ARGUMENTS);
		}
		args[5] = SessionHash.optionalNumber(retainMillis);
		args[6] = (saved.maxInactiveMillis() < 0) ? SessionHash.EMPTY : (marginMillis == UNMOVED_KEY) ? UNMOVED
				: SessionHash.number(Math.max(1, saved.lastAccessedTime() + saved.maxInactiveMillis() - now + marginMillis));
		args[7] = SessionHash.number(removed);
		int next = FIXED_ARGUMENTS;
		if (principalRemoved) {
			args[next++] = PRINCIPAL;
		}
		int pair = FIXED_ARGUMENTS + removed;
		for (Map.Entry<String, byte @Nullable []> attribute : attributes.entrySet()) {
			byte[] value = attribute.getValue();
			if (value == null) {
				args[next++] = SessionSaves.field(attribute.getKey());
			}
			else {
				args[pair++] = SessionSaves.field(attribute.getKey());
				args[pair++] = value;
			}
		}
		if (accessedLater) {
			args[pair++] = ACCESSED;
			args[pair++] = SessionHash.number(saved.lastAccessedTime());
		}
		if (change.maxInactiveMillis() != null) {
			args[pair++] = TIMEOUT;
			args[pair++] = SessionHash.number(saved.maxInactiveMillis());
		}
		if (principalSet) {
			args[pair++] = PRINCIPAL;
			args[pair++] = SessionHash.bytes(change.principalName());
		}
		args[pair++] = VERSION;
		args[pair] = SessionHash.number(saved.version());
		return args;
	}

}
