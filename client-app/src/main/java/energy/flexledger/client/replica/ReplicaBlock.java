package energy.flexledger.client.replica;

import java.util.List;

/**
 * One block of a channel as the replica keeps it: its transactions in ledger order, each with its
 * validation code, and the chaincode events of the valid ones. Positions ({@code number},
 * {@code txIndex}, {@code actionIndex}) are the rows' keys. {@code headerHash} is the hash the next
 * block names as its {@code previousHash} (hex, like the other hashes).
 */
public record ReplicaBlock(String channel, long number, String headerHash, String dataHash, String previousHash, List<Tx> transactions) {
    public ReplicaBlock {
        transactions = List.copyOf(transactions);
    }

    /** The events of this block's valid transactions, in ledger order. */
    public List<Event> events() {
        return transactions.stream().filter(Tx::valid).flatMap(t -> t.events().stream()).toList();
    }

    /**
     * A transaction: {@code type} is its channel header type (ENDORSER_TRANSACTION, CONFIG, ...),
     * {@code validationCode} Fabric's name for the peer's verdict (VALID, MVCC_READ_CONFLICT, ...),
     * {@code chaincode} the chaincode its client invoked (null when none), {@code timeMs} its channel
     * header's timestamp (null when it has none). {@code events} are the chaincode events its actions
     * carry, whether or not it is valid; only a valid transaction's events are replicated.
     */
    public record Tx(int txIndex, String txId, String type, String validationCode, String chaincode, String creatorMsp, Long timeMs,
            List<Event> events) {
        public Tx {
            events = List.copyOf(events);
        }

        public boolean valid() {
            return "VALID".equals(validationCode);
        }
    }

    /**
     * A chaincode event: {@code payload} its bytes as the chaincode set them; {@link #json()} the
     * same as text when they are one JSON document (every FlexLedger event), otherwise null.
     */
    public record Event(long blockNumber, int txIndex, int actionIndex, String txId, String chaincode, String name, byte[] payload,
            Long timeMs, String json) {
        public Event {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }
    }
}
