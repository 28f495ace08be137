package dev.sessionstarter.daemon;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.Closeables;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonSessionStore;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.store.SessionChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The daemon's memory follows the bytes clients send, not the sizes they announce: connections
 * that each announce a frame of the largest size and send nothing more cost a few KiB each, so a
 * daemon with a small heap survives many of them and serves (and persists) everyone else.
 */
class DaemonMemoryIT {

	private static final int ATTACKERS = 60;

	/** Far below what 60 announced 16 MiB frames would take if the daemon allocated them. */
	private static final long RSS_GROWTH_BOUND_KB = 40 * 1024;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void framesAnnouncedButNotSentCostNoHeapAndASmallHeapDaemonServesEveryoneElse(@TempDir Path dir)
			throws Exception {
		DaemonProcess daemon = DaemonProcess.startWithJvmOptions(List.of("-Xmx96m"),
				String.valueOf(DaemonProcess.freePort()), "--flush-interval=200ms", dir.toString());
		this.closeables.add(daemon);
		DaemonClient client = new DaemonClient(daemon.address(), Duration.ofSeconds(10), 1, 1, null);
		this.closeables.add(client);
		DaemonSessionStore store = new DaemonSessionStore(client);
		save(store, "before-the-attack");
		long rssBefore = daemon.rssKb();
		for (int i = 0; i < ATTACKERS; i++) {
			SocketChannel attacker = daemon.address().connect();
			this.closeables.add(attacker);
			ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES + 1)
				.putInt(Frames.MAX_FRAME_BYTES)
				.put(Opcodes.SAVE)
				.flip();
			while (header.hasRemaining()) {
				attacker.write(header);
			}
		}
		await("every attacker is being served").atMost(Duration.ofSeconds(30))
			.until(() -> client.stats().connections() >= ATTACKERS + 1);
		save(store, "during-the-attack");
		assertThat(store.find("during-the-attack")).isNotNull();
		await("the session is flushed to its file").atMost(Duration.ofSeconds(30))
			.until(() -> Files.exists(dir.resolve("during-the-attack.session")));
		long rssAfter = daemon.rssKb();
		System.out.printf("%d connections announcing %d bytes each with -Xmx96m: RSS %d KiB before, %d KiB after"
				+ " (+%d KiB)%n", ATTACKERS, Frames.MAX_FRAME_BYTES, rssBefore, rssAfter, rssAfter - rssBefore);
		assertThat(daemon.isAlive()).isTrue();
		assertThat(client.stats().connections()).as("the attackers are still held, none was dropped")
			.isGreaterThanOrEqualTo(ATTACKERS + 1);
		assertThat(daemon.output()).doesNotContain("OutOfMemoryError");
		assertThat(rssAfter - rssBefore).as("RSS growth in KiB").isLessThan(RSS_GROWTH_BOUND_KB);
	}

	private static void save(DaemonSessionStore store, String id) {
		long now = System.currentTimeMillis();
		store.save(new SessionChange(id, null, true, now, now, 1_800_000L, false, null,
				Map.of("value", new byte[] { 1, 2, 3 })));
	}

}
