package dev.sessionstarter.store;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.session.SaveMode;

/**
 * Encodes the attributes a save of a {@link StoredSession} writes, with its repository's
 * serializer and save mode: the changed values ({@code null} for a removal), and also, under
 * {@link SaveMode#ALWAYS}, every stored one, and on an id change, the stored values bound to
 * the old id (encrypted ones) rebound to the new one.
 */
final class ChangeEncoder {

	private final StoreSessionRepository repository;

	ChangeEncoder(StoreSessionRepository repository) {
		this.repository = repository;
	}

	Map<String, byte @Nullable []> encode(String id, Map<String, AttributeChange> changes,
			@Nullable SessionRecord record, @Nullable String previousId) {
		Map<String, byte @Nullable []> attributes = new HashMap<>();
		changes.forEach((name, change) -> attributes.put(name,
				(change.value != null) ? this.repository.serializer.serialize(id, name, change.value) : null));
		if (record != null && (this.repository.saveMode == SaveMode.ALWAYS || previousId != null)) {
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

}
