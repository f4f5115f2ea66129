package energy.flexledger.client.replica;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;
import org.hyperledger.fabric.client.ChaincodeEvent;
import org.hyperledger.fabric.client.Checkpointer;

/**
 * The Fabric Gateway's {@link Checkpointer}, kept in the replica's own {@code checkpoints} table
 * instead of a file: handed to an events request ({@code .checkpoint(...)}), it makes the stream
 * start at the block after the last one the replica committed.
 *
 * <p>{@link ReplicaStore#apply} moves this same row in the SQL transaction that writes the block's
 * rows and commits both together, which is what makes "exactly once" hold across a crash (a
 * checkpoint file written after the rows, or before them, would repeat or lose a block). The
 * {@code checkpoint*} methods, called on their own, commit at once (for example to start a replica
 * at a later block); the checkpoint never moves backwards.
 */
public final class TableCheckpointer implements Checkpointer {
    private final ReplicaStore store;
    private final String channel;

    TableCheckpointer(final ReplicaStore store, final String channel) {
        this.store = store;
        this.channel = channel;
    }

    public String channel() {
        return channel;
    }

    /** The next block the replica needs, as last committed; empty before the first block. */
    @Override
    public OptionalLong getBlockNumber() {
        try {
            return store.nextBlock(channel);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> getTransactionId() {
        try {
            return store.checkpointTransaction(channel);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Block {@code blockNumber} is complete: the next one is needed. */
    @Override
    public void checkpointBlock(final long blockNumber) throws IOException {
        write(blockNumber + 1, null);
    }

    /** Within block {@code blockNumber}, everything up to and including {@code transactionId} is done. */
    @Override
    public void checkpointTransaction(final long blockNumber, final String transactionId) throws IOException {
        write(blockNumber, transactionId);
    }

    @Override
    public void checkpointChaincodeEvent(final ChaincodeEvent event) throws IOException {
        checkpointTransaction(event.getBlockNumber(), event.getTransactionId());
    }

    private void write(final long nextBlock, final String txId) throws IOException {
        try {
            store.writeCheckpoint(channel, nextBlock, txId);
            store.commit();
        } catch (SQLException e) {
            throw new IOException("cannot write the checkpoint of " + channel + ": " + e.getMessage(), e);
        }
    }
}
