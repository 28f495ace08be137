package dev.sessionstarter.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.session.FindByIndexNameSessionRepository;

/**
 * The attributes of a benchmark session, in three sizes. Every shape has a user name
 * ({@code String}) and a {@link RepositoryAdapter#COUNTER counter} ({@code Integer}); a
 * logged-in visitor also has {@link FindByIndexNameSessionRepository#PRINCIPAL_NAME_INDEX_NAME},
 * with a distinct principal per visitor (the costliest case for a principal index).
 */
public enum SessionShape {

	/** A user name, a counter and a locale: a few dozen bytes of values. */
	SMALL,

	/**
	 * {@link #SMALL} plus a cart (an {@code ArrayList} of three product codes) and the last page
	 * visited: a few hundred bytes of values, the shape the request-cycle benchmark uses.
	 */
	MEDIUM,

	/**
	 * {@link #MEDIUM} plus a browsing history (an {@code ArrayList} of 40 URLs) and a
	 * preferences {@code HashMap} of 10 entries: a few kilobytes of values.
	 */
	LARGE,

	/**
	 * {@link #SMALL} plus ten {@code Boolean} flags ({@code feature.flag.0} to {@code 9}): many
	 * attributes with tiny values, whose name strings every session shares.
	 */
	FLAGS;

	private static final String[] FLAG_NAMES = { "feature.flag.0", "feature.flag.1", "feature.flag.2",
			"feature.flag.3", "feature.flag.4", "feature.flag.5", "feature.flag.6", "feature.flag.7",
			"feature.flag.8", "feature.flag.9" };

	/**
	 * Return the attributes of one visitor's session.
	 * @param visitor the visitor number, which makes the values distinct
	 * @param loggedIn whether the session carries a principal name
	 * @return new attribute values, in insertion order
	 */
	public Map<String, Object> attributes(int visitor, boolean loggedIn) {
		Map<String, Object> attributes = new LinkedHashMap<>();
		String user = "user-" + visitor;
		attributes.put("userName", user);
		attributes.put(RepositoryAdapter.COUNTER, visitor % 100);
		attributes.put("locale", "en_GB");
		if (loggedIn) {
			attributes.put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
		}
		if (this == SMALL) {
			return attributes;
		}
		if (this == FLAGS) {
			for (int i = 0; i < FLAG_NAMES.length; i++) {
				attributes.put(FLAG_NAMES[i], (visitor + i) % 2 == 0);
			}
			return attributes;
		}
		List<String> cart = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			cart.add("SKU-" + (100000 + (visitor * 7 + i) % 900000));
		}
		attributes.put("cart", cart);
		attributes.put("lastPage", "/catalog/shoes/running?page=" + (visitor % 40) + "&sort=price-asc");
		if (this == MEDIUM) {
			return attributes;
		}
		List<String> history = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			history.add("/catalog/item/" + (visitor + i) + "?ref=search&q=trail+running+shoes+size+" + (i % 15));
		}
		attributes.put("history", history);
		Map<String, String> preferences = new HashMap<>();
		for (int i = 0; i < 10; i++) {
			preferences.put("preference-" + i, "value-" + (visitor % 13) + "-" + i);
		}
		attributes.put("preferences", preferences);
		return attributes;
	}

}
