package dev.sessionstarter.store;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The bound on one session's encoded size ({@code sessions.max-session-size}), checked by the
 * repository on every save before the change reaches the store, so every store enforces it the
 * same way. The size counted is what a store keeps of the session once the change is merged:
 * its id, principal name, attribute names (UTF-8) and encoded values, plus a few bytes a field.
 * A refusal is counted and logged at most once a minute.
 */
final class SessionSizeLimit {

	/** The property that sets the bound, named in refusals. */
	static final String PROPERTY = "sessions.max-session-size";

	private static final Log logger = LogFactory.getLog(StoreSessionRepository.class);

	private static final long FIXED_BYTES = 48;

	private static final long FIELD_BYTES = 8;

	private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

	private final LongAdder refused = new LongAdder();

	private final AtomicLong nextLog = new AtomicLong(System.nanoTime());

	private final AtomicLong unlogged = new AtomicLong();

	private volatile long maxBytes;

	SessionSizeLimit(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	void setMaxBytes(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	long maxBytes() {
		return this.maxBytes;
	}

	long refused() {
		return this.refused.sum();
	}

	/**
	 * Refuse a change that would make the session larger than the bound.
	 * @param base the stored record the session was loaded from or last saved as, if any
	 * @param change the change
	 * @throws SessionTooLargeException if the merged session would be over the bound
	 */
	void check(@Nullable SessionRecord base, SessionChange change) {
		long max = this.maxBytes;
		if (change.attributes().isEmpty() && base != null) {
			return;
		}
		if (max == Long.MAX_VALUE || upperBound(base, change) <= max) {
			return;
		}
		long size = size(base, change);
		if (size > max) {
			this.refused.increment();
			SessionTooLargeException ex = new SessionTooLargeException(change.id(), size, max, PROPERTY);
			log(ex);
			throw ex;
		}
	}

	static long size(@Nullable SessionRecord base, SessionChange change) {
		String principalName = change.isPrincipalNameChanged() ? change.principalName()
				: ((base != null) ? base.principalName() : null);
		long size = FIXED_BYTES + utf8Length(change.id()) + ((principalName != null) ? utf8Length(principalName) : 0);
		Map<String, byte @Nullable []> changed = change.attributes();
		if (base != null) {
			for (int i = 0; i < base.attributeCount(); i++) {
				String name = base.attributeName(i);
				if (!changed.containsKey(name)) {
					size += FIELD_BYTES + utf8Length(name) + base.attributeValue(i).length;
				}
			}
		}
		for (Map.Entry<String, byte @Nullable []> attribute : changed.entrySet()) {
			byte[] value = attribute.getValue();
			if (value != null) {
				size += FIELD_BYTES + utf8Length(attribute.getKey()) + value.length;
			}
		}
		return size;
	}

	/**
	 * Return a bound no smaller than {@link #size}, from the lengths of the strings (at most
	 * three UTF-8 bytes a {@code char}) instead of their characters: a session far under the
	 * bound, the usual one, is let through without its strings being read.
	 */
	static long upperBound(@Nullable SessionRecord base, SessionChange change) {
		String principalName = change.isPrincipalNameChanged() ? change.principalName()
				: ((base != null) ? base.principalName() : null);
		long chars = change.id().length() + ((principalName != null) ? principalName.length() : 0);
		long size = FIXED_BYTES;
		Map<String, byte @Nullable []> changed = change.attributes();
		if (base != null) {
			for (int i = 0; i < base.attributeCount(); i++) {
				String name = base.attributeName(i);
				if (!changed.containsKey(name)) {
					chars += name.length();
					size += FIELD_BYTES + base.attributeValue(i).length;
				}
			}
		}
		for (Map.Entry<String, byte @Nullable []> attribute : changed.entrySet()) {
			byte[] value = attribute.getValue();
			if (value != null) {
				chars += attribute.getKey().length();
				size += FIELD_BYTES + value.length;
			}
		}
		return size + 3 * chars;
	}

	private static long utf8Length(String text) {
		long length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			length += (c < 0x80) ? 1 : (c < 0x800 || Character.isSurrogate(c)) ? 2 : 3;
		}
		return length;
	}

	private void log(SessionTooLargeException ex) {
		long now = System.nanoTime();
		long next = this.nextLog.get();
		if (now - next >= 0 && this.nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
			long more = this.unlogged.getAndSet(0);
			logger.warn(ex.getMessage() + ((more > 0) ? " (" + more + " more refused since the last such warning)"
					: "") + "; at most one such warning a minute is logged, all are counted");
		}
		else {
			this.unlogged.incrementAndGet();
		}
	}

}
