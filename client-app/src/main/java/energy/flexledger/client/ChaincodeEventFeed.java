package energy.flexledger.client;

import energy.flexledger.spec.Json;
import energy.flexledger.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.hyperledger.fabric.client.ChaincodeEvent;
import org.hyperledger.fabric.client.ChaincodeEventsRequest;
import org.hyperledger.fabric.client.Checkpointer;
import org.hyperledger.fabric.client.FileCheckpointer;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.GatewayRuntimeException;

/**
 * One chaincode's events on a channel, as a member's gateway receives them (a DSO calling a
 * demand-response event, a settlement, a clearing): each handed to a sink as one map
 * {@code {block, txId, chaincode, event, payload}} in ledger order, from the Fabric Gateway's
 * chaincode-event stream. With a checkpoint file (the gateway client's file checkpointer) a
 * restarted feed resumes after the last event its sink returned from: an event is delivered at
 * least once, and again only when the process stopped between the sink and the checkpoint.
 */
public final class ChaincodeEventFeed implements AutoCloseable {
    private final CloseableIterator<ChaincodeEvent> events;
    private final Thread reader;
    private final Checkpointer checkpointer;
    private volatile Exception failure;

    private ChaincodeEventFeed(final CloseableIterator<ChaincodeEvent> events, final Checkpointer checkpointer,
            final Consumer<Map<String, Object>> sink, final String name) {
        this.events = events;
        this.checkpointer = checkpointer;
        this.reader = new Thread(() -> {
            try {
                while (events.hasNext()) {
                    final ChaincodeEvent event = events.next();
                    // A sink that throws has not taken the event: it is not checkpointed, and comes again after a restart.
                    sink.accept(describe(event));
                    if (checkpointer != null) {
                        checkpointer.checkpointChaincodeEvent(event);
                    }
                }
                if (!closing) {
                    failure = new IOException("the peer ended the event stream");
                }
            } catch (GatewayRuntimeException e) {
                if (!closing) {
                    failure = e;
                }
            } catch (Exception | Error e) {   // the sink's, the checkpoint file's, or the JVM's trouble: reported, never lost
                failure = e instanceof Exception x ? x : new IllegalStateException(e);
            }
        }, name);
        reader.setDaemon(true);
    }

    private volatile boolean closing;

    /**
     * Follows {@code chaincode}'s events on {@code channel} from {@code startBlock} (or, when it is
     * negative, from the next block), or from where {@code checkpointFile} says the last run stopped.
     */
    public static ChaincodeEventFeed start(final LedgerConnection connection, final String channel, final String chaincode,
            final Path checkpointFile, final long startBlock, final Consumer<Map<String, Object>> sink) throws IOException {
        FileCheckpointer checkpointer = null;
        try {
            ChaincodeEventsRequest.Builder request = connection.network(channel).newChaincodeEventsRequest(chaincode);
            if (checkpointFile != null) {
                if (checkpointFile.getParent() != null) {
                    Files.createDirectories(checkpointFile.getParent());
                }
                checkpointer = new FileCheckpointer(checkpointFile);
                if (checkpointer.getBlockNumber().isEmpty()) {
                    // A first run keeps its starting point at once: events committed while it is down before its first
                    // event still come after a restart.
                    final long from = startBlock >= 0 ? startBlock : connection.blockHeight(channel);
                    if (from > 0) {
                        checkpointer.checkpointBlock(from - 1);
                    } else {
                        request = request.startBlock(0);
                    }
                }
                request = request.checkpoint(checkpointer);
            } else if (startBlock >= 0) {
                request = request.startBlock(startBlock);
            }
            final ChaincodeEventFeed feed = new ChaincodeEventFeed(request.build().getEvents(), checkpointer, sink,
                    "flexledger-events-" + chaincode);
            feed.reader.start();
            return feed;
        } catch (LedgerException e) {
            closeQuietly(checkpointer);
            throw new IOException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(checkpointer);
            throw e;
        }
    }

    private static void closeQuietly(final FileCheckpointer checkpointer) {
        if (checkpointer != null) {
            try {
                checkpointer.close();
            } catch (IOException e) {
                // nothing was written beyond what the file already holds
            }
        }
    }

    /** The event as a map; its payload parsed when it is JSON (every FlexLedger event is), else as text. */
    static Map<String, Object> describe(final ChaincodeEvent event) {
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("block", event.getBlockNumber());
        out.put("txId", event.getTransactionId());
        out.put("chaincode", event.getChaincodeName());
        out.put("event", event.getEventName());
        final String text = new String(event.getPayload(), StandardCharsets.UTF_8);
        Object payload;
        try {
            payload = text.isEmpty() ? null : Json.parse(text);
        } catch (SpecException e) {
            payload = text;
        }
        out.put("payload", payload);
        return out;
    }

    /** Why the stream ended, if it ended by itself (the peer went away, a checkpoint could not be written). */
    public java.util.Optional<Exception> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** True while the stream is being read. */
    public boolean running() {
        return reader.isAlive();
    }

    @Override
    public void close() {
        closing = true;
        events.close();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            return;   // still in the sink or writing the checkpoint: the file stays open rather than be cut
        }
        if (checkpointer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // the checkpoint was written after each event; closing only releases the file
            }
        }
    }
}
