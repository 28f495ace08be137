package dev.sessionstarter.daemon.client;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.store.SessionRecord;

/**
 * Reading the daemon's answers: their status, and the session record many of them carry.
 */
final class DaemonAnswers {

	private DaemonAnswers() {
	}

	/**
	 * Check a status, turning an {@link Opcodes#ERROR} answer into an exception with the
	 * daemon's message.
	 * @param expected the status wanted
	 * @param status the status received
	 * @param payload the payload, positioned after the status
	 * @param opcode the request, for the message
	 * @throws ProtocolException if the status is neither the expected one nor an error, or the
	 * error is the daemon refusing a connection over its limit (the call then fails as unavailable)
	 * @throws IllegalStateException if the daemon answered with an error
	 */
	static void expect(byte expected, byte status, WireInput payload, byte opcode) throws ProtocolException {
		if (status == expected) {
			return;
		}
		if (status == Opcodes.ERROR) {
			String message = payload.readString();
			throw new IllegalStateException("The session daemon refused " + Opcodes.requestName(opcode) + ": "
					+ message);
		}
		throw new ProtocolException("Unexpected status " + status + " for " + Opcodes.requestName(opcode));
	}

	/**
	 * Read an answer that carries a session record, or says there is none.
	 * @param status the status received
	 * @param payload the payload, positioned after the status
	 * @param opcode the request, for the message
	 * @return the record, or {@code null} for {@link Opcodes#NOT_FOUND}
	 * @throws ProtocolException if the answer is neither
	 */
	static @Nullable SessionRecord optionalRecord(byte status, WireInput payload, byte opcode)
			throws ProtocolException {
		if (status == Opcodes.NOT_FOUND) {
			return null;
		}
		expect(Opcodes.OK, status, payload, opcode);
		return WireCodec.readRecord(payload);
	}

	/**
	 * Read the answer to {@code VERSION}.
	 * @param status the status received
	 * @param payload the payload, positioned after the status
	 * @return the stored version, or {@code null} for {@link Opcodes#NOT_FOUND}
	 * @throws ProtocolException if the answer is neither
	 */
	static @Nullable Long version(byte status, WireInput payload) throws ProtocolException {
		if (status == Opcodes.NOT_FOUND) {
			return null;
		}
		expect(Opcodes.OK, status, payload, Opcodes.VERSION);
		return payload.readLong();
	}

	/**
	 * Read the answer to {@code FIND_BY_PRINCIPAL}: a count, then that many records.
	 * @param status the status received
	 * @param payload the payload, positioned after the status
	 * @return the records
	 * @throws ProtocolException if the answer is malformed
	 */
	static List<SessionRecord> records(byte status, WireInput payload) throws ProtocolException {
		expect(Opcodes.OK, status, payload, Opcodes.FIND_BY_PRINCIPAL);
		int count = payload.readCount(1);
		List<SessionRecord> records = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			records.add(WireCodec.readRecord(payload));
		}
		return records;
	}

}
