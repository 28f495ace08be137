package dev.sessionstarter.sample;

import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.SessionAttribute;
import org.springframework.web.server.ResponseStatusException;

/**
 * A cart in the session: {@code POST /cart?item=x} adds an item, {@code GET /cart} lists them.
 */
@RestController
@RequestMapping("/cart")
public class CartController {

	/** The session attribute that holds the {@link Cart}. */
	static final String CART = "cart";

	private static final int MAX_ITEM_LENGTH = 64;

	/**
	 * List the cart; reading does not create a session.
	 * @param cart the session's cart, if it has one
	 * @return the cart, empty if the session has none
	 */
	@GetMapping
	public Cart list(@SessionAttribute(name = CART, required = false) @Nullable Cart cart) {
		return (cart != null) ? cart : new Cart();
	}

	/**
	 * Add an item to the cart, creating the session and the cart if needed.
	 * @param item the item, 1 to 64 characters
	 * @param session the session
	 * @return the cart with the item added
	 */
	@PostMapping
	public Cart add(@RequestParam String item, HttpSession session) {
		if (item.isBlank() || item.length() > MAX_ITEM_LENGTH) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "item must be 1 to 64 characters");
		}
		Cart cart = (Cart) session.getAttribute(CART);
		cart = (cart != null) ? cart : new Cart();
		try {
			cart.add(item);
		}
		catch (IllegalStateException ex) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
		// Set it again: the store writes attributes that were set, not objects changed in place.
		session.setAttribute(CART, cart);
		return cart;
	}

}
