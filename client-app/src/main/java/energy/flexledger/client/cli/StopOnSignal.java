package energy.flexledger.client.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A long-running command's orderly stop on SIGTERM or Ctrl-C: the JVM's shutdown hook runs
 * {@code onStop} (ask the work to finish) and then waits, up to a bound, until the command has
 * closed what it holds ({@link #close}), so a last submission, a checkpoint or a database
 * transaction is not cut off halfway. Closing also removes the hook when the command ends by itself.
 */
final class StopOnSignal implements AutoCloseable {
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    /** Installs the hook; {@code onStop} runs on the hook's thread, after {@link #requested} turned true. */
    StopOnSignal(final String name, final Runnable onStop, final long waitSeconds) {
        this.hook = new Thread(() -> {
            stopped.countDown();
            onStop.run();
            try {
                done.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    StopOnSignal(final String name, final long waitSeconds) {
        this(name, () -> { }, waitSeconds);
    }

    /** Waits up to {@code timeout} for a stop signal; true when one came. */
    boolean await(final long timeout, final TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /** True once a stop signal came. */
    boolean requested() {
        return stopped.getCount() == 0;
    }

    /** The command has closed what it holds: a waiting hook lets the JVM go; otherwise the hook is removed. */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook is running and has just been released
        }
    }
}
