package dev.sessionstarter.reactive.e2e;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes the test applications' Netty server close every connection after its response.
 * <p>
 * Reactor Netty 1.3.6 can stop reading a keep-alive connection when the next request arrives
 * before the previous exchange has ended (reactor/reactor-netty#4361, fixed by #4347): that
 * request then waits until the client gives up. It happens with or without this starter, so the
 * tests, which are about sessions and locks, send each request over a new connection.
 */
@Configuration(proxyBeanMethods = false)
public class OneRequestPerConnection {

	@Bean
	NettyServerCustomizer closeConnectionAfterEachResponse() {
		return (server) -> server.maxKeepAliveRequests(1);
	}

}
