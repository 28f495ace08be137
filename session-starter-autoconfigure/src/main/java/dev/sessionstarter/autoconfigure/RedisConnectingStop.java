package dev.sessionstarter.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.sessionstarter.store.redis.RedisCalls;

/**
 * Gives up, as the application stops, the shared connection the {@code redis} store's and lock
 * manager's calls may still be making ({@link RedisCalls#stopConnecting()}), just before the
 * connection factory stops: a Redis that accepts connections and answers nothing would hold the
 * factory's stop (which takes the lock the connection is made under) for Lettuce's timeout
 * ({@code spring.data.redis.timeout}). A startup that fails stops no lifecycle: this bean, which
 * depends on the factory, is destroyed before it, and gives the connection up then.
 */
final class RedisConnectingStop implements SmartLifecycle, DisposableBean {

	private final List<RedisCalls> calls = new CopyOnWriteArrayList<>();

	private final int phase;

	private volatile boolean running;

	/**
	 * Create the stop of the calls over a connection factory.
	 * @param factory the connection factory, to stop before
	 */
	RedisConnectingStop(RedisConnectionFactory factory) {
		int factoryPhase = (factory instanceof SmartLifecycle lifecycle) ? lifecycle.getPhase() : DEFAULT_PHASE;
		this.phase = (factoryPhase == Integer.MAX_VALUE) ? factoryPhase : factoryPhase + 1;
	}

	/**
	 * Add calls to stop connecting.
	 * @param calls the calls
	 * @return the calls
	 */
	RedisCalls add(RedisCalls calls) {
		this.calls.add(calls);
		return calls;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.calls.forEach(RedisCalls::stopConnecting);
	}

	@Override
	public void destroy() {
		this.calls.forEach(RedisCalls::stopConnecting);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
