package energy.flexledger.chaincode;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.security.auth.x500.X500Principal;
import org.hyperledger.fabric.contract.ClientIdentity;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.protos.peer.QueryResponseMetadata;
import org.hyperledger.fabric.shim.ledger.CompositeKey;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;
import org.hyperledger.fabric.shim.ledger.QueryResultsIteratorWithMetadata;

/**
 * A unit-test double for a chaincode's view of the ledger: world state in a sorted map, a settable
 * caller, transaction id and timestamp, and the last event. Unit tests only; the integration tests
 * run against real Fabric.
 */
public final class FakeLedger {
    private final TreeMap<String, byte[]> state = new TreeMap<>();
    /**
     * The values, before the current transaction, of the keys it wrote (null: absent). Reads answer
     * from here, because Fabric does not show a transaction its own writes, and {@link #abort()}
     * restores them, because Fabric commits nothing of a failed transaction.
     */
    private Map<String, byte[]> before = new TreeMap<>();
    private Map<String, byte[]> beforeParameters = new TreeMap<>();
    private String mspId = "CommunityMSP";
    private String ou = "client";
    private String name = "someone";
    private String idOverride;
    private Map<String, byte[]> transientData = Map.of();
    private long txCounter;
    private Instant now = Instant.ofEpochMilli(1_767_225_600_000L);
    private String lastEventName;
    private byte[] lastEventPayload;
    private final Map<String, byte[]> validationParameters = new TreeMap<>();
    private int writes;
    private int privateReads;
    private final Map<String, String> eventsByTx = new TreeMap<>();
    private Consortium consortium = fixtureConsortium();
    /** Other chaincodes of the channel, by name: called with the arguments and the calling transaction's context. */
    private final Map<String, java.util.function.BiFunction<List<String>, Context, byte[]>> chaincodes = new TreeMap<>();
    /** The chaincode that the transactions' proposals invoke (what a callee sees as the top-level chaincode). */
    private String proposed = "test";
    private int consortiumReads;

    /**
     * The consortium the unit tests run in, as governance would have recorded it: a DSO operating
     * zone-1 and zone-2, an aggregator representing the community and the CPO, a community, a CPO.
     * A fixture: no chaincode knows these MSP ids.
     */
    public static Consortium fixtureConsortium() {
        return new Consortium(new Member[] {
            member("AggregatorMSP", new String[] {"AGGREGATOR"}, new String[0], new String[] {"CommunityMSP", "CpoMSP"}),
            member("CommunityMSP", new String[] {"COMMUNITY"}, new String[0], new String[0]),
            member("CpoMSP", new String[] {"CPO"}, new String[0], new String[0]),
            member("DsoMSP", new String[] {"DSO"}, new String[] {"zone-1", "zone-2"}, new String[0]),
        }, 4, 0, "genesis");
    }

    public static Member member(final String mspId, final String[] roles, final String[] zones, final String[] represents) {
        return new Member(mspId, roles, zones, represents, 0, "genesis", 0, "genesis");
    }

    /** What the {@code consortium} chaincode answers from now on. */
    public FakeLedger withConsortium(final Consortium value) {
        this.consortium = value;
        return this;
    }

    /**
     * Another chaincode on the channel: a call to it runs {@code handler} with the call's arguments
     * (function first) in the calling transaction (same stub, identity and time), as Fabric runs a
     * chaincode-to-chaincode call; a ChaincodeException becomes an error response with its message.
     */
    public FakeLedger withChaincode(final String name, final java.util.function.BiFunction<List<String>, Context, byte[]> handler) {
        chaincodes.put(name, handler);
        return this;
    }

    /** From now on, the transactions' signed proposals invoke {@code chaincode}. */
    public FakeLedger proposing(final String chaincode) {
        this.proposed = chaincode;
        return this;
    }

    /** How many times chaincodes asked the consortium chaincode. */
    public int consortiumReads() {
        return consortiumReads;
    }

    /** Acts as an identity of {@code mspId} with NodeOU {@code ou} (admin, client, peer, ...). */
    public FakeLedger as(final String mspId, final String ou) {
        return as(mspId, ou, "someone");
    }

    /** Acts as the identity {@code name} (its certificate's CN) of {@code mspId} with NodeOU {@code ou}. */
    public FakeLedger as(final String mspId, final String ou, final String name) {
        this.mspId = mspId;
        this.ou = ou;
        this.name = name;
        this.idOverride = null;
        return this;
    }

    /**
     * Acts as an identity of {@code mspId} whose identity id is exactly {@code id}: for CAs that
     * give identities of two orgs the same subject and issuer names (Fabric CA's default CSR does).
     */
    public FakeLedger asId(final String mspId, final String ou, final String id) {
        as(mspId, ou, "someone");
        this.idOverride = id;
        return this;
    }

    /** The identity id Fabric gives {@code name} of {@code mspId} with NodeOU {@code ou}: subject and issuer. */
    public static String idOf(final String mspId, final String ou, final String name) {
        return "x509::CN=" + name + ",OU=" + ou + ",O=" + mspId + "::CN=ca." + mspId;
    }

    public FakeLedger at(final long epochMillis) {
        this.now = Instant.ofEpochMilli(epochMillis);
        return this;
    }

    /** Transient data for the next transaction only (as a client passes private inputs). */
    public FakeLedger transientData(final String key, final String value) {
        final Map<String, byte[]> next = new TreeMap<>(transientData);
        next.put(key, value.getBytes(StandardCharsets.UTF_8));
        transientData = next;
        return this;
    }

    /** A stub that carries only a transaction's arguments (function first), for the checks made before routing. */
    public static ChaincodeStub argsStub(final String... args) {
        final ChaincodeStub stub = mock(ChaincodeStub.class);
        final List<byte[]> bytes = new ArrayList<>();
        for (final String a : args) {
            bytes.add(a.getBytes(StandardCharsets.UTF_8));
        }
        when(stub.getArgs()).thenReturn(bytes);
        return stub;
    }

    /** A fresh transaction context for the current caller. */
    public Context context() {
        txCounter++;
        final ChaincodeStub stub = mock(ChaincodeStub.class);
        final Map<String, byte[]> tx = transientData;
        transientData = Map.of();
        when(stub.getTransient()).thenReturn(tx);
        when(stub.getTxId()).thenReturn("tx" + txCounter);
        when(stub.getTxTimestamp()).thenReturn(now);
        when(stub.getChannelId()).thenReturn("grid");
        before = new TreeMap<>();
        beforeParameters = new TreeMap<>();
        final boolean[] pvtQueried = {false};
        when(stub.getState(anyString())).thenAnswer(inv -> committed().get(inv.<String>getArgument(0)));
        doAnswer(inv -> {
            noWritesAfterPvtQuery(pvtQueried[0]);
            remember(inv.getArgument(0));
            state.put(inv.getArgument(0), inv.<byte[]>getArgument(1).clone());
            writes++;
            return null;
        }).when(stub).putState(anyString(), any(byte[].class));
        doAnswer(inv -> {
            noWritesAfterPvtQuery(pvtQueried[0]);
            remember(inv.getArgument(0));
            state.remove(inv.<String>getArgument(0));
            validationParameters.remove(inv.<String>getArgument(0));
            writes++;
            return null;
        }).when(stub).delState(anyString());
        when(stub.getStateByPartialCompositeKey(anyString(), any(String[].class))).thenAnswer(inv -> {
            final String prefix = partialKey(inv.getArguments());
            return iterator(prefix, prefix + Character.toString(Character.MAX_CODE_POINT), 0, "");
        });
        // With no attributes (every key of a type), Mockito matches the varargs call only without the array matcher.
        when(stub.getStateByPartialCompositeKey(anyString())).thenAnswer(inv -> {
            final String prefix = partialKey(new Object[] {inv.getArgument(0)});
            return iterator(prefix, prefix + Character.toString(Character.MAX_CODE_POINT), 0, "");
        });
        when(stub.getStateByPartialCompositeKeyWithPagination(any(CompositeKey.class), anyInt(), anyString())).thenAnswer(inv -> {
            final String prefix = inv.<CompositeKey>getArgument(0).toString();
            return iterator(prefix, prefix + Character.toString(Character.MAX_CODE_POINT), inv.<Integer>getArgument(1), inv.getArgument(2));
        });
        when(stub.getStateByRange(anyString(), anyString())).thenAnswer(inv -> iterator(inv.getArgument(0), inv.getArgument(1), 0, ""));
        when(stub.getStateByRangeWithPagination(anyString(), anyString(), anyInt(), anyString())).thenAnswer(
                inv -> iterator(inv.getArgument(0), inv.getArgument(1), inv.<Integer>getArgument(2), inv.getArgument(3)));
        // Private data lives in the same map under keys no public key can reach: U+FFFF, the
        // collection, U+0000, the key. So reads, aborts and snapshots treat it alike.
        when(stub.getPrivateData(anyString(), anyString())).thenAnswer(inv -> {
            privateReads++;
            return committed().get(pvt(inv.getArgument(0), inv.getArgument(1)));
        });
        doAnswer(inv -> {
            noWritesAfterPvtQuery(pvtQueried[0]);
            final String key = pvt(inv.getArgument(0), inv.getArgument(1));
            remember(key);
            state.put(key, inv.<byte[]>getArgument(2).clone());
            writes++;
            return null;
        }).when(stub).putPrivateData(anyString(), anyString(), any(byte[].class));
        when(stub.getPrivateDataByRange(anyString(), anyString(), anyString())).thenAnswer(inv -> {
            pvtQueried[0] = true;
            final String prefix = pvt(inv.getArgument(0), "");
            final List<KeyValue> page = new ArrayList<>();
            for (final Map.Entry<String, byte[]> e : committed().subMap(pvt(inv.getArgument(0), inv.getArgument(1)), true,
                    pvt(inv.getArgument(0), inv.getArgument(2)), false).entrySet()) {
                privateReads++;
                page.add(new Entry(e.getKey().substring(prefix.length()), e.getValue()));
            }
            return new Results(page, QueryResponseMetadata.newBuilder().setFetchedRecordsCount(page.size()).build());
        });
        when(stub.getPrivateDataHash(anyString(), anyString())).thenAnswer(inv -> {
            final byte[] value = committed().get(pvt(inv.getArgument(0), inv.getArgument(1)));
            return value == null ? null : java.security.MessageDigest.getInstance("SHA-256").digest(value);
        });
        doAnswer(inv -> {
            noWritesAfterPvtQuery(pvtQueried[0]);
            final String key = pvt(inv.getArgument(0), inv.getArgument(1));
            remember(key);
            validationParameters.put(key, inv.<byte[]>getArgument(2).clone());
            return null;
        }).when(stub).setPrivateDataValidationParameter(anyString(), anyString(), any(byte[].class));
        when(stub.createCompositeKey(anyString(), any(String[].class))).thenAnswer(inv -> {
            final Object[] args = inv.getArguments();
            final String[] parts = new String[args.length - 1];
            for (int i = 1; i < args.length; i++) {
                parts[i - 1] = (String) args[i];
            }
            return new CompositeKey((String) args[0], parts);
        });
        doAnswer(inv -> {
            noWritesAfterPvtQuery(pvtQueried[0]);
            remember(inv.getArgument(0));
            validationParameters.put(inv.getArgument(0), inv.<byte[]>getArgument(1).clone());
            return null;
        }).when(stub).setStateValidationParameter(anyString(), any(byte[].class));
        final Context[] self = new Context[1];
        when(stub.getSignedProposal()).thenReturn(signedProposal(proposed));
        when(stub.invokeChaincodeWithStringArgs(anyString(), org.mockito.ArgumentMatchers.<List<String>>any(), anyString())).thenAnswer(inv -> {
            final java.util.function.BiFunction<List<String>, Context, byte[]> other = chaincodes.get(inv.<String>getArgument(0));
            if (other != null) {
                try {
                    return org.hyperledger.fabric.shim.ResponseUtils.newSuccessResponse(other.apply(inv.getArgument(1), nested(self[0], inv.getArgument(1))));
                } catch (org.hyperledger.fabric.shim.ChaincodeException e) {
                    return org.hyperledger.fabric.shim.ResponseUtils.newErrorResponse(e.getMessage());
                }
            }
            if (!Membership.CHAINCODE.equals(inv.getArgument(0)) || !List.of(Membership.QUERY).equals(inv.getArgument(1))) {
                return org.hyperledger.fabric.shim.ResponseUtils.newErrorResponse("no such chaincode or function in the fake ledger");
            }
            consortiumReads++;
            return org.hyperledger.fabric.shim.ResponseUtils.newSuccessResponse(energy.flexledger.spec.Canonical.bytes(consortium));
        });
        final String txId = "tx" + txCounter;
        doAnswer(inv -> {
            lastEventName = inv.getArgument(0);
            lastEventPayload = inv.getArgument(1);
            eventsByTx.put(txId, lastEventName);
            return null;
        }).when(stub).setEvent(anyString(), any(byte[].class));

        final X509Certificate cert = mock(X509Certificate.class);
        when(cert.getSubjectX500Principal()).thenReturn(new X500Principal("CN=" + name + ",OU=" + ou + ",O=" + mspId));
        final ClientIdentity identity = mock(ClientIdentity.class);
        when(identity.getMSPID()).thenReturn(mspId);
        when(identity.getX509Certificate()).thenReturn(cert);
        when(identity.getId()).thenReturn(idOverride != null ? idOverride : idOf(mspId, ou, name));

        final Context ctx = mock(Context.class);
        when(ctx.getStub()).thenReturn(stub);
        when(ctx.getClientIdentity()).thenReturn(identity);
        self[0] = ctx;
        return ctx;
    }

    /**
     * The callee's context of a chaincode-to-chaincode call: the same transaction (state, identity,
     * time, proposal) with the call's own arguments, as the peer gives the callee its own stub.
     */
    private static Context nested(final Context caller, final List<String> args) {
        final ChaincodeStub outer = caller.getStub();
        final ChaincodeStub stub = mock(ChaincodeStub.class, org.mockito.AdditionalAnswers.delegatesTo(outer));
        final List<byte[]> bytes = new ArrayList<>();
        for (final String a : args) {
            bytes.add(a.getBytes(StandardCharsets.UTF_8));
        }
        org.mockito.Mockito.doReturn(bytes).when(stub).getArgs();
        org.mockito.Mockito.doReturn(args).when(stub).getStringArgs();
        final Context ctx = mock(Context.class);
        when(ctx.getStub()).thenReturn(stub);
        final ClientIdentity identity = caller.getClientIdentity();
        when(ctx.getClientIdentity()).thenReturn(identity);
        return ctx;
    }

    /** A signed proposal (no signature) that invokes {@code chaincode} with {@code args}, function first. */
    public static org.hyperledger.fabric.protos.peer.SignedProposal signedProposal(final String chaincode, final String... args) {
        final var extension = org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension.newBuilder()
                .setChaincodeId(org.hyperledger.fabric.protos.peer.ChaincodeID.newBuilder().setName(chaincode)).build();
        final var channelHeader = org.hyperledger.fabric.protos.common.ChannelHeader.newBuilder().setChannelId("grid")
                .setExtension(extension.toByteString()).build();
        final var header = org.hyperledger.fabric.protos.common.Header.newBuilder().setChannelHeader(channelHeader.toByteString()).build();
        final var input = org.hyperledger.fabric.protos.peer.ChaincodeInput.newBuilder();
        for (final String arg : args) {
            input.addArgs(com.google.protobuf.ByteString.copyFromUtf8(arg));
        }
        final var spec = org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec.newBuilder()
                .setChaincodeSpec(org.hyperledger.fabric.protos.peer.ChaincodeSpec.newBuilder()
                        .setChaincodeId(org.hyperledger.fabric.protos.peer.ChaincodeID.newBuilder().setName(chaincode)).setInput(input)).build();
        final var payload = org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload.newBuilder().setInput(spec.toByteString()).build();
        final var proposal = org.hyperledger.fabric.protos.peer.Proposal.newBuilder().setHeader(header.toByteString())
                .setPayload(payload.toByteString()).build();
        return org.hyperledger.fabric.protos.peer.SignedProposal.newBuilder().setProposalBytes(proposal.toByteString()).build();
    }

    /**
     * Fabric's transaction simulator refuses every write of a transaction that has run a private
     * data range query (its results cannot be validated): "Transaction has already performed queries
     * on pvt data. Writes are not allowed".
     */
    private static void noWritesAfterPvtQuery(final boolean queried) {
        if (queried) {
            throw new IllegalStateException("Transaction has already performed queries on pvt data. Writes are not allowed");
        }
    }

    private void remember(final String key) {
        if (!before.containsKey(key)) {
            before.put(key, state.get(key));
            beforeParameters.put(key, validationParameters.get(key));
        }
    }

    /** The state as the current transaction sees it: without its own writes. */
    private TreeMap<String, byte[]> committed() {
        if (before.isEmpty()) {
            return state;
        }
        final TreeMap<String, byte[]> view = new TreeMap<>(state);
        before.forEach((k, v) -> {
            if (v == null) {
                view.remove(k);
            } else {
                view.put(k, v);
            }
        });
        return view;
    }

    /** The current transaction failed: Fabric commits none of its writes, so they are undone here. */
    public void abort() {
        before.forEach((k, v) -> {
            if (v == null) {
                state.remove(k);
            } else {
                state.put(k, v);
            }
        });
        beforeParameters.forEach((k, v) -> {
            if (v == null) {
                validationParameters.remove(k);
            } else {
                validationParameters.put(k, v);
            }
        });
        before = new TreeMap<>();
        beforeParameters = new TreeMap<>();
    }

    private static String pvt(final String collection, final String key) {
        return "\uFFFF" + collection + "\u0000" + key;
    }

    /** Writes a key of a private data collection directly, as altered chaincode could. */
    public void plantPrivate(final String collection, final String key, final String json) {
        state.put(pvt(collection, key), json.getBytes(StandardCharsets.UTF_8));
    }

    /** The key-level policy of {@code key} of {@code collection} in Fabric's policy language (empty: none set). */
    public String policyOfPrivate(final String collection, final String key) {
        return policyOfKey(pvt(collection, key));
    }

    /** The collections holding anything, to show that a value went private and not public. */
    public java.util.Set<String> collections() {
        final java.util.Set<String> out = new java.util.TreeSet<>();
        for (final String key : state.keySet()) {
            if (key.startsWith("\uFFFF")) {
                out.add(key.substring(1, key.indexOf('\u0000')));
            }
        }
        return out;
    }

    /** Writes a simple key directly, as a transaction endorsed by altered chaincode could. */
    public void plantKey(final String key, final String json) {
        state.put(key, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The key-level policy of {@code key} in Fabric's policy language (empty: none set). */
    public String policyOfKey(final String key) {
        final byte[] policy = validationParameters.get(key);
        return policy == null ? "" : KeyPolicy.describe(policy);
    }

    private static String partialKey(final Object[] args) {
        final String[] parts = new String[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            parts[i - 1] = (String) args[i];
        }
        return new CompositeKey((String) args[0], parts).toString();
    }

    /**
     * Keys in [start, end) in order, as Fabric's LevelDB state returns them; with a page size, at most
     * that many from the bookmark on, and the next key as the new bookmark (empty at the end).
     */
    private Results iterator(final String start, final String end, final int pageSize,
            final String bookmark) {
        final String from = bookmark == null || bookmark.isEmpty() ? start : bookmark;
        final List<KeyValue> page = new ArrayList<>();
        String next = "";
        for (final Map.Entry<String, byte[]> e : committed().subMap(from, true, end, false).entrySet()) {
            if (pageSize > 0 && page.size() == pageSize) {
                next = e.getKey();
                break;
            }
            final String key = e.getKey();
            final byte[] value = e.getValue().clone();
            page.add(new Entry(key, value));
        }
        final QueryResponseMetadata metadata = QueryResponseMetadata.newBuilder()
                .setFetchedRecordsCount(page.size()).setBookmark(next).build();
        return new Results(page, metadata);
    }

    /** One key and value of a range query's result. */
    private static final class Entry implements KeyValue {
        private final String key;
        private final byte[] value;

        Entry(final String key, final byte[] value) {
            this.key = key;
            this.value = value.clone();
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public byte[] getValue() {
            return value.clone();
        }

        @Override
        public String getStringValue() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** What Fabric's range queries return, paged or not. */
    private static final class Results implements QueryResultsIterator<KeyValue>, QueryResultsIteratorWithMetadata<KeyValue> {
        private final List<KeyValue> page;
        private final QueryResponseMetadata metadata;

        Results(final List<KeyValue> page, final QueryResponseMetadata metadata) {
            this.page = page;
            this.metadata = metadata;
        }

        @Override
        public QueryResponseMetadata getMetadata() {
            return metadata;
        }

        @Override
        public Iterator<KeyValue> iterator() {
            return page.iterator();
        }

        @Override
        public void close() {
            // nothing to release
        }
    }

    /** How many private values the chaincode has read so far (single-key reads and values of range reads). */
    public int privateReads() {
        return privateReads;
    }

    /** A copy of the world state, to show that a failed transaction changed nothing. */
    public Map<String, String> snapshot() {
        final Map<String, String> copy = new TreeMap<>();
        state.forEach((k, v) -> copy.put(k, new String(v, StandardCharsets.UTF_8)));
        validationParameters.forEach((k, v) -> copy.put("policy:" + k, java.util.Base64.getEncoder().encodeToString(v)));
        return copy;
    }

    /** Writes state directly, as a transaction endorsed by altered chaincode could. */
    public void plant(final String json, final String type, final String... parts) {
        state.put(new CompositeKey(type, parts).toString(), json.getBytes(StandardCharsets.UTF_8));
    }

    /** The key-level policy of the composite key {@code type/parts} in Fabric's policy language (empty: none set). */
    public String policyOf(final String type, final String... parts) {
        return policyOfKey(new CompositeKey(type, parts).toString());
    }

    public int writes() {
        return writes;
    }

    /** The id of the newest transaction context ({@code tx<N>}). */
    public String lastTxId() {
        return "tx" + txCounter;
    }

    /** The name of the event transaction {@code txId} set, or null when it set none. */
    public String eventOf(final String txId) {
        return eventsByTx.get(txId);
    }

    public String lastEventName() {
        return lastEventName;
    }

    public String lastEventPayload() {
        return lastEventPayload == null ? null : new String(lastEventPayload, StandardCharsets.UTF_8);
    }
}
