package dev.sessionstarter.store;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.session.SaveMode;

/**
 * Encodes the attributes a save of a {@link StoredSession} writes, with its repository's
 * serializer and save mode: the changed values ({@code null} for a removal), and also, under
 * {@link SaveMode#ALWAYS}, every stored one, and on an id change, the stored values bound to
 * the old id (encrypted ones) rebound to the new one. A save of one changed attribute, the usual
 * one, gets a map of one entry.
 */
final class ChangeEncoder {

	private final StoreSessionRepository repository;

	ChangeEncoder(StoreSessionRepository repository) {
		this.repository = repository;
	}

	Map<String, byte @Nullable []> encode(String id, DeltaSnapshot changes, @Nullable SessionRecord record,
			@Nullable String previousId) {
		boolean stored = record != null && (this.repository.saveMode == SaveMode.ALWAYS || previousId != null);
		if (!stored && changes.size() <= 1) {
			return (changes.size() == 0) ? Collections.emptyMap()
					: Collections.singletonMap(changes.name(0), encode(id, changes.name(0), changes.change(0)));
		}
		Map<String, byte @Nullable []> attributes = new HashMap<>();
		for (int i = 0; i < changes.size(); i++) {
			attributes.put(changes.name(i), encode(id, changes.name(i), changes.change(i)));
		}
		if (stored) {
			for (int i = 0; i < record.attributeCount(); i++) {
				String name = record.attributeName(i);
				if (!attributes.containsKey(name)) {
					// values bound to the old id (encrypted ones) are rebound to the new one
					byte[] rebound = (previousId != null)
							? this.repository.serializer.rebind(previousId, id, name, record.attributeValue(i))
							: null;
					if (rebound != null || this.repository.saveMode == SaveMode.ALWAYS) {
						attributes.put(name, (rebound != null) ? rebound : record.attributeValue(i));
					}
				}
			}
		}
		return attributes;
	}

	private byte @Nullable [] encode(String id, String name, AttributeChange change) {
		return (change.value != null) ? this.repository.serializer.serialize(id, name, change.value) : null;
	}

}
