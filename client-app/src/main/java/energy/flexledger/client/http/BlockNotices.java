package energy.flexledger.client.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.hyperledger.fabric.client.CloseableIterator;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.protos.peer.FilteredBlock;
import org.hyperledger.fabric.protos.peer.FilteredChaincodeAction;
import org.hyperledger.fabric.protos.peer.FilteredTransaction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * Follows the member's channel block by block (the peer's <em>filtered</em> block stream: each
 * transaction's id, validation code and chaincode event names, never payloads or private data)
 * and publishes one notice per block to {@link LiveNotices}. Starts at the channel's height when
 * the gateway starts; a stream that fails is reopened after the last block seen, with backoff
 * (1 s doubling to 30 s), so a peer's restart costs the pages a few seconds, not their channel.
 */
public final class BlockNotices implements AutoCloseable {
    private final Network network;
    private final LiveNotices notices;
    private final Consumer<Map<String, Object>> log;
    private final Thread thread;
    private volatile boolean closing;
    private volatile CloseableIterator<FilteredBlock> current;
    private long next;

    private BlockNotices(final Network network, final long startBlock, final LiveNotices notices, final Consumer<Map<String, Object>> log) {
        this.network = network;
        this.notices = notices;
        this.log = log;
        this.next = startBlock;
        this.thread = new Thread(this::run, "flexledger-block-notices");
        this.thread.setDaemon(true);
    }

    /**
     * The gateway's live channel: tells {@code api} the member's MSP id (for /v1/whoami) and follows
     * {@code channel} from its current height into {@code api}'s notices; null when there is no API.
     */
    public static BlockNotices forGateway(final energy.flexledger.client.LedgerConnection ledger, final String channel, final RestApi api,
            final Consumer<Map<String, Object>> log) {
        if (api == null) {
            return null;
        }
        api.member(ledger.profile().mspId());
        return start(ledger.network(channel), () -> {
            try {
                return ledger.blockHeight(channel);
            } catch (energy.flexledger.client.LedgerException e) {
                // the API serves anyway; the stream starts at whatever block the peer has next
                log.accept(Map.of("event", "block notices", "message", "the channel's height is unknown (" + e.getMessage()
                        + "); following from the peer's next block"));
                return -1L;
            }
        }, api.notices(), log);
    }

    /** Follows {@code network} from the block {@code height} says is next (negative: the peer's next), publishing to {@code notices}. */
    public static BlockNotices start(final Network network, final LongSupplier height, final LiveNotices notices,
            final Consumer<Map<String, Object>> log) {
        final BlockNotices b = new BlockNotices(network, height.getAsLong(), notices, log);
        b.thread.start();
        return b;
    }

    private void run() {
        long backoff = 1_000;
        while (!closing) {
            final org.hyperledger.fabric.client.FilteredBlockEventsRequest.Builder request = network.newFilteredBlockEventsRequest();
            try (CloseableIterator<FilteredBlock> blocks = (next >= 0 ? request.startBlock(next) : request).build().getEvents()) {
                current = blocks;
                while (blocks.hasNext()) {
                    final FilteredBlock block = blocks.next();
                    notices.publish(notice(block));
                    next = block.getNumber() + 1;
                    backoff = 1_000;
                }
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                log.accept(Map.of("event", "block notices", "message", "the block stream failed; reopening from block " + next
                        + " in " + backoff + " ms: " + e.getMessage()));
            }
            if (closing) {
                return;
            }
            try {
                Thread.sleep(backoff); // backoff before reopening a failed stream: nothing to await but time
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(30_000, backoff * 2);
        }
    }

    /**
     * The notice of one block: {@code block}, {@code channel}, {@code transactions} (all),
     * {@code valid} (those the peers validated), {@code chaincodes} (the chaincodes whose events the
     * valid transactions set) and {@code events} ({@code chaincode}, {@code event} names, in order).
     */
    static Map<String, Object> notice(final FilteredBlock block) {
        final Set<String> chaincodes = new LinkedHashSet<>();
        final List<Object> events = new ArrayList<>();
        long valid = 0;
        for (final FilteredTransaction tx : block.getFilteredTransactionsList()) {
            if (tx.getTxValidationCode() != TxValidationCode.VALID) {
                continue;
            }
            valid++;
            for (final FilteredChaincodeAction a : tx.getTransactionActions().getChaincodeActionsList()) {
                if (a.hasChaincodeEvent() && !a.getChaincodeEvent().getChaincodeId().isEmpty()) {
                    chaincodes.add(a.getChaincodeEvent().getChaincodeId());
                    events.add(Map.of("chaincode", a.getChaincodeEvent().getChaincodeId(), "event", a.getChaincodeEvent().getEventName()));
                }
            }
        }
        final Map<String, Object> n = new LinkedHashMap<>();
        n.put("block", block.getNumber());
        n.put("channel", block.getChannelId());
        n.put("transactions", (long) block.getFilteredTransactionsCount());
        n.put("valid", valid);
        n.put("chaincodes", new ArrayList<Object>(chaincodes));
        n.put("events", events);
        return n;
    }

    @Override
    public void close() {
        closing = true;
        final CloseableIterator<FilteredBlock> c = current;
        if (c != null) {
            c.close();
        }
        thread.interrupt();
    }
}
