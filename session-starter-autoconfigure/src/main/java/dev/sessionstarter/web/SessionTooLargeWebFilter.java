package dev.sessionstarter.web;

import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.sessionstarter.store.SessionTooLargeException;

/**
 * {@link WebFilter} of a reactive application that does what {@link SessionTooLargeFilter} does
 * in a servlet one: when the save of the request's session is refused with a
 * {@link SessionTooLargeException}, it answers {@code 413 Content Too Large} with the same line
 * naming the limit, instead of the server error the failure would otherwise become. The session
 * keeps its previous version.
 *
 * <p>A {@code WebSession} is saved as its response is about to be committed; when that save
 * fails, the response is not committed (neither its status, its headers nor its body are sent),
 * so this filter, ordered before the session lock filter, replaces it: same status and body as
 * the servlet filter, its cookies dropped (a new session that was refused is not kept). When the
 * response was committed all the same, it stays as sent and the refusal is logged at debug level
 * here (the repository logs and counts it).
 */
public class SessionTooLargeWebFilter implements WebFilter, Ordered {

	/**
	 * The default order: before {@code SessionLockWebFilter}, so that the answer is written
	 * around the request's locks.
	 */
	public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 40;

	private static final Log logger = LogFactory.getLog(SessionTooLargeWebFilter.class);

	private static final MediaType CONTENT_TYPE = MediaType.parseMediaType(SessionTooLargeResponse.CONTENT_TYPE);

	@Override
	public int getOrder() {
		return DEFAULT_ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange).onErrorResume((ex) -> {
			SessionTooLargeException tooLarge = SessionTooLargeResponse.find(ex);
			return (tooLarge != null) ? answer(exchange.getResponse(), tooLarge) : Mono.error(ex);
		});
	}

	private static Mono<Void> answer(ServerHttpResponse response, SessionTooLargeException ex) {
		if (response.isCommitted()) {
			logger.debug("Response already committed; the session keeps its previous version: " + ex.getMessage());
			return Mono.empty();
		}
		response.setStatusCode(HttpStatusCode.valueOf(SessionTooLargeResponse.STATUS));
		response.getHeaders().clearContentHeaders();
		response.getHeaders().setContentType(CONTENT_TYPE);
		response.getCookies().clear();
		byte[] body = SessionTooLargeResponse.message(ex).getBytes(StandardCharsets.UTF_8);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

}
