package dev.sessionstarter.store.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.TestSessionChanges;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a principal lookup in a {@link FileSessionStore} reads the files of that
 * principal's sessions and no other, however many files the directory holds: every other
 * session file is made unreadable, so that reading one would quarantine it, and the count of
 * quarantined files is the count of other files the lookup read.
 */
class PrincipalLookupTests {

	@TempDir
	Path dir;

	@Test
	void lookupReadsOnlyThePrincipalsOwnSessionFiles() throws IOException {
		try (FileSessionStore store = new FileSessionStore(this.dir, FileFormat.BINARY, false)) {
			List<String> others = new ArrayList<>();
			for (int i = 0; i < 2_000; i++) {
				String id = UUID.randomUUID().toString();
				store.save(TestSessionChanges.create(id));
				if (i % 2 == 0) {
					store.save(TestSessionChanges.principal(id, "bob"));
				}
				others.add(id);
			}
			List<String> alice = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				String id = UUID.randomUUID().toString();
				store.save(TestSessionChanges.create(id));
				store.save(TestSessionChanges.principal(id, "alice"));
				alice.add(id);
			}
			for (String id : others) {
				Files.writeString(this.dir.resolve(id + FileFormat.BINARY.extension()), "not a session",
						StandardCharsets.UTF_8);
			}

			assertThat(store.findByPrincipalName("alice")).extracting(SessionRecord::id)
				.containsExactlyInAnyOrderElementsOf(alice);
			assertThat(store.quarantined()).isZero();
			assertThat(store.find(others.get(0))).isNull();
			assertThat(store.quarantined()).isOne();
		}
	}

}
