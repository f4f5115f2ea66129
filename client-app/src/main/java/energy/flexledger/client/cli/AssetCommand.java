package energy.flexledger.client.cli;

import energy.flexledger.client.LedgerConnection;
import energy.flexledger.client.LedgerException;
import energy.flexledger.spec.Fp1;
import energy.flexledger.spec.Hex;
import energy.flexledger.spec.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "asset", description = "Register, update, deactivate and list assets (meters, EMS, BMS, charging stations, EVs).",
        subcommands = {AssetCommand.Register.class, AssetCommand.Update.class, AssetCommand.Deactivate.class, AssetCommand.Show.class,
            AssetCommand.ListBy.class})
final class AssetCommand {

    @Command(name = "register", description = "Register an asset owned by your org. A METER gets an FP1 salt, kept off-chain, "
            + "and certifies intervals; you (the identity you act as) become its gateway unless --gateway-id says otherwise.")
    static final class Register extends Connected implements Callable<Integer> {
        @Option(names = "--asset", required = true, description = "asset id (1..128 UTF-8 bytes)")
        String assetId;

        @Option(names = "--type", required = true, description = "METER, EMS, BMS, CHARGING_STATION or EV")
        String type;

        @Option(names = "--zone", required = true, description = "grid zone")
        String zone;

        @Option(names = "--device-id", description = "identity id of the device that writes for it (see `flexledger whoami`)")
        String deviceId;

        @Option(names = "--gateway-id", description = "identity id of the org's gateway for it (default: you)")
        String gatewayId;

        @Option(names = "--interval-ms", description = "certified interval length for a METER (default 900000, 15 minutes)")
        Long intervalMs;

        @Option(names = "--quantity", description = "measured quantity for a METER (default ACTIVE_POWER)")
        String quantity;

        @Override
        public Integer call() throws IOException, LedgerException {
            final Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("assetId", assetId);
            spec.put("type", type);
            spec.put("zone", zone);
            if (deviceId != null) {
                spec.put("deviceId", deviceId);
            }
            if (gatewayId != null) {
                spec.put("gatewayId", gatewayId);
            }
            if (intervalMs != null) {
                spec.put("intervalMs", intervalMs);
            }
            if (quantity != null) {
                spec.put("quantity", quantity);
            }
            try (LedgerConnection ledger = connect()) {
                final Map<String, Object> registered;
                if ("METER".equals(type)) {
                    registered = root().salts().registerWith(assetId, salt -> {
                        spec.put("saltCommitment", Hex.encode(Fp1.saltCommitment(salt)));
                        return ledger.energy(root().channel).registerAsset(spec);
                    });
                } else {
                    registered = ledger.energy(root().channel).registerAsset(spec);
                }
                System.out.println(Json.write(registered));
            }
            return 0;
        }
    }

    @Command(name = "update", description = "Change an asset's zone, bound identities or status (owner admin or the asset's gateway).")
    static final class Update extends Connected implements Callable<Integer> {
        @Option(names = "--asset", required = true)
        String assetId;

        @Option(names = "--zone")
        String zone;

        @Option(names = "--device-id", description = "new device identity id; 'none' unbinds")
        String deviceId;

        @Option(names = "--gateway-id", description = "new gateway identity id; 'none' unbinds")
        String gatewayId;

        @Option(names = "--status", description = "ACTIVE or INACTIVE")
        String status;

        @Override
        public Integer call() throws IOException, LedgerException {
            final Map<String, Object> changes = new LinkedHashMap<>();
            if (zone != null) {
                changes.put("zone", zone);
            }
            if (deviceId != null) {
                changes.put("deviceId", "none".equals(deviceId) ? null : deviceId);
            }
            if (gatewayId != null) {
                changes.put("gatewayId", "none".equals(gatewayId) ? null : gatewayId);
            }
            if (status != null) {
                changes.put("status", status);
            }
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(ledger.energy(root().channel).updateAsset(assetId, changes)));
            }
            return 0;
        }
    }

    @Command(name = "deactivate", description = "Stop an asset from taking data (owner admin or the asset's gateway).")
    static final class Deactivate extends Connected implements Callable<Integer> {
        @Option(names = "--asset", required = true)
        String assetId;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(ledger.energy(root().channel).deactivateAsset(assetId)));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "Show an asset (with its chain head when it certifies intervals).")
    static final class Show extends Connected implements Callable<Integer> {
        @Option(names = "--asset", required = true)
        String assetId;

        @Override
        public Integer call() throws IOException, LedgerException {
            try (LedgerConnection ledger = connect()) {
                System.out.println(Json.write(ledger.energy(root().channel).getAsset(assetId)));
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List assets by owner (MSP id), zone or type, all pages.")
    static final class ListBy extends Connected implements Callable<Integer> {
        @Option(names = "--by", required = true, description = "owner, zone or type")
        String by;

        @Option(names = "--value", required = true, description = "e.g. CommunityMSP, zone-1, METER")
        String value;

        @Override
        public Integer call() throws IOException, LedgerException {
            final List<Object> assets;
            try (LedgerConnection ledger = connect()) {
                assets = new ArrayList<>(ledger.energy(root().channel).allAssets(by, value));
            }
            System.out.println(Json.write(Map.of("assets", assets)));
            return 0;
        }
    }
}
