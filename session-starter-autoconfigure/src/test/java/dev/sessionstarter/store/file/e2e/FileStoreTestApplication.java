package dev.sessionstarter.store.file.e2e;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpSession;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small web application that keeps a cart and a user name in its session, started on a
 * random port by {@link FileStoreEndToEndTests}.
 */
@SpringBootApplication
public class FileStoreTestApplication {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@RestController
	static class CartController {

		@GetMapping("/cart/add")
		List<String> add(HttpSession session, @RequestParam String item) {
			List<String> cart = cart(session);
			cart.add(item);
			session.setAttribute("cart", cart);
			return cart;
		}

		@GetMapping("/cart")
		List<String> cart(HttpSession session) {
			@SuppressWarnings("unchecked")
			List<String> cart = (List<String>) session.getAttribute("cart");
			return (cart != null) ? cart : new ArrayList<>();
		}

		@GetMapping("/sign-in")
		String signIn(HttpSession session, @RequestParam String user) {
			session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, user);
			return user;
		}

	}

}
