package org.hyperledger.fabric.contract;

import org.hyperledger.fabric.contract.metadata.MetadataBuilder;

/**
 * Test-only access to what a chaincode answers to {@code org.hyperledger.fabric:GetMetadata}:
 * Fabric's own router scans the classpath for contracts and data types, and Fabric's own builder
 * writes (and validates) the metadata, exactly as at a chaincode server's start. It sits in
 * Fabric's package because the scan is package-private there.
 */
public final class RouterMetadata {
    private RouterMetadata() {}

    public static String build() {
        final ContractRouter router = new ContractRouter(new String[] {"--id", "metadata-test:1"});
        router.findAllContracts();
        MetadataBuilder.initialize(router.getRoutingRegistry(), router.getTypeRegistry());
        return MetadataBuilder.getMetadata();
    }

    /** The object at {@code path} (member names) inside a parsed metadata tree. */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, Object> at(final Object map, final String... path) {
        Object at = map;
        for (final String p : path) {
            at = ((java.util.Map<String, Object>) at).get(p);
        }
        return (java.util.Map<String, Object>) at;
    }
}
