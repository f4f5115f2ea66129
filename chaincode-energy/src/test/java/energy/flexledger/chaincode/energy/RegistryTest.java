package energy.flexledger.chaincode.energy;

import static org.assertj.core.api.Assertions.assertThat;

import energy.flexledger.chaincode.FakeLedger;
import energy.flexledger.spec.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryTest extends Fixture {

    @Test
    void anAssetIsOwnedByTheCallersOrgAndBoundToItsGatewayAndDevice() {
        final Map<String, Object> m = meter("MTR-1");
        assertThat(m).containsEntry("ownerMsp", COMMUNITY).containsEntry("type", "METER").containsEntry("gatewayId", GATEWAY_ID)
                .containsEntry("deviceId", DEVICE_ID).containsEntry("intervalMs", 900_000L).containsEntry("quantity", "ACTIVE_POWER")
                .containsEntry("status", "ACTIVE");
        assertThat(ledger.lastEventName()).isEqualTo("AssetRegistered");
        // Results and events go into the block: never the private chain head.
        assertThat(m).doesNotContainKeys("headLink", "intervals", "lastEnd");
        assertThat(ledger.lastEventPayload()).doesNotContain("headLink");
        assertThat(Json.parseObject(call("getAsset", asAdmin().context(), "MTR-1"))).containsEntry("intervals", 0L).containsKey("headLink");
    }

    @Test
    void nonMeteringAssetsHaveNoChainAndMetersNeedACommitment() {
        final Map<String, Object> ems = Json.parseObject(call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"EMS-1\",\"type\":\"EMS\",\"zone\":\"zone-1\",\"gatewayId\":\"" + GATEWAY_ID + "\"}"));
        assertThat(ems).containsEntry("gatewayId", GATEWAY_ID).doesNotContainKey("intervals");
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(), "{\"assetId\":\"M\",\"type\":\"METER\",\"zone\":\"z\"}"));
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"E\",\"type\":\"EMS\",\"zone\":\"z\",\"intervalMs\":60000}"));
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(), "{\"assetId\":\"T\",\"type\":\"TOASTER\",\"zone\":\"z\"}"));
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"C\",\"type\":\"CHARGING_STATION\",\"zone\":\"z\",\"colour\":\"red\"}"));
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"C\",\"type\":\"METER\",\"zone\":\"z\",\"saltCommitment\":\"" + COMMITMENT + "\",\"intervalMs\":700000}"));
        rejects("BAD_JSON", () -> call("registerAsset", asAdmin().context(), "{\"assetId\":\"C\""));
        rejects("BAD_JSON", () -> call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"C\",\"type\":\"METER\",\"zone\":\"z\",\"saltCommitment\":\"" + COMMITMENT + "\",\"intervalMs\":\"900000\"}"));
    }

    @Test
    void anotherOrgBindingAnEqualIdentityIdMakesNoDeviceOfThisOrgsIdentity() {
        // Two orgs whose CAs kept Fabric CA's default names give their user1 the same identity id.
        final String user1 = "x509::CN=user1,OU=client::CN=fabric-ca-server,OU=Fabric,O=Hyperledger,ST=North Carolina,C=US";
        final String cpoAdmin = "x509::CN=admin,OU=admin::CN=fabric-ca-server,OU=Fabric,O=Hyperledger,ST=North Carolina,C=US";
        call("registerAsset", ledger.asId("CpoMSP", "admin", cpoAdmin).context(),
                "{\"assetId\":\"CS-9\",\"type\":\"CHARGING_STATION\",\"zone\":\"z\",\"deviceId\":\"" + user1 + "\"}");
        // The CPO's user1 is now a device of the CPO; the community's user1 is not.
        rejects("ACCESS_DENIED", () -> call("registerAsset", ledger.asId("CpoMSP", "client", user1).context(),
                "{\"assetId\":\"EV-10\",\"type\":\"EV\",\"zone\":\"z\"}"));
        assertThat(Json.parseObject(call("registerAsset", ledger.asId(COMMUNITY, "client", user1).context(),
                "{\"assetId\":\"EV-9\",\"type\":\"EV\",\"zone\":\"z\"}"))).containsEntry("gatewayId", user1);
        assertThat(Json.parseObject(call("certifyBatch", ledger.asId(COMMUNITY, "client", user1).context(), "{\"batchId\":\"B-9\","
                + "\"topic\":\"t\",\"periodStart\":0,\"periodEnd\":1,\"count\":1,\"merkleRoot\":\"" + COMMITMENT + "\"}")))
                .containsEntry("providerMsp", COMMUNITY);
    }

    @Test
    void aRetryThatChangesNothingAnnouncesNothing() {
        meter("MTR-1");
        assertThat(ledger.lastEventName()).isEqualTo("AssetRegistered");
        final Map<String, String> before = ledger.snapshot();
        meter("MTR-1");
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
        call("updateAsset", asAdmin().context(), "MTR-1", "{\"zone\":\"zone-1\"}");
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
        assertThat(ledger.snapshot()).isEqualTo(before);
        final Map<String, Object> moved = Json.parseObject(call("updateAsset", asAdmin().context(), "MTR-1", "{\"zone\":\"zone-2\"}"));
        assertThat(ledger.lastEventName()).isEqualTo("AssetUpdated");
        assertThat(moved).containsEntry("updatedTx", ledger.lastTxId());
        call("deactivateAsset", asAdmin().context(), "MTR-1");
        assertThat(ledger.lastEventName()).isEqualTo("AssetUpdated");
        call("deactivateAsset", asAdmin().context(), "MTR-1");
        assertThat(ledger.eventOf(ledger.lastTxId())).isNull();
    }

    @Test
    void boundIdentitiesMustComeFromTheOwnersCa() {
        final String foreign = FakeLedger.idOf(AGGREGATOR, "client", "device");
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"M\",\"type\":\"EV\",\"zone\":\"z\",\"deviceId\":\"" + foreign + "\"}"));
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"M\",\"type\":\"EV\",\"zone\":\"z\",\"deviceId\":\"not-an-identity\"}"));
        rejects("BAD_REQUEST", () -> call("registerAsset", asAdmin().context(),
                "{\"assetId\":\"M\",\"type\":\"EV\",\"zone\":\"z\",\"deviceId\":\"" + GATEWAY_ID + "\",\"gatewayId\":\"" + GATEWAY_ID
                        + "\"}"));
    }

    @Test
    void onlyAnAdminBindsOtherIdentitiesSoNoClientCanTurnAnotherIntoADevice() {
        final Map<String, String> before = ledger.snapshot();
        // A plain client names the org's gateway as its asset's device: refused, the gateway keeps its rights.
        rejects("ACCESS_DENIED", () -> call("registerAsset", ledger.as(COMMUNITY, "client", "someone-else").context(),
                "{\"assetId\":\"X\",\"type\":\"EV\",\"zone\":\"z\",\"deviceId\":\"" + GATEWAY_ID + "\"}"));
        rejects("ACCESS_DENIED", () -> call("registerAsset", ledger.as(COMMUNITY, "client", "someone-else").context(),
                "{\"assetId\":\"X\",\"type\":\"EV\",\"zone\":\"z\",\"gatewayId\":\"" + GATEWAY_ID + "\"}"));
        assertThat(ledger.snapshot()).isEqualTo(before);
        meter("MTR-1");
        rejects("ACCESS_DENIED", () -> call("updateAsset", asGateway().context(), "MTR-1",
                "{\"deviceId\":\"" + FakeLedger.idOf(COMMUNITY, "client", "other") + "\"}"));
        // A client registering binds itself as gateway; an admin registering without one binds none.
        assertThat(Json.parseObject(call("registerAsset", ledger.as(COMMUNITY, "client", "someone-else").context(),
                "{\"assetId\":\"EV-1\",\"type\":\"EV\",\"zone\":\"z\"}"))).containsEntry("gatewayId",
                FakeLedger.idOf(COMMUNITY, "client", "someone-else"));
        assertThat(Json.parseObject(call("registerAsset", asAdmin().context(), "{\"assetId\":\"EV-2\",\"type\":\"EV\",\"zone\":\"z\"}"))
                .get("gatewayId")).isNull();
    }

    @Test
    void theSameRegistrationAgainChangesNothingAndADifferentOneIsAlreadyExists() {
        final Map<String, Object> first = meter("MTR-1");
        final Map<String, String> before = ledger.snapshot();
        assertThat(meter("MTR-1")).isEqualTo(first);
        assertThat(ledger.snapshot()).isEqualTo(before);
        rejects("ALREADY_EXISTS", () -> call("registerAsset", ledger.as(AGGREGATOR, "admin", "admin").context(),
                "{\"assetId\":\"MTR-1\",\"type\":\"EV\",\"zone\":\"z\"}"));
        assertThat(ledger.snapshot()).isEqualTo(before);
    }

    @Test
    void aDeviceMayNotRegisterOnceItIsBound() {
        meter("MTR-1");
        rejects("ACCESS_DENIED", () -> call("registerAsset", asDevice().context(), "{\"assetId\":\"X\",\"type\":\"EV\",\"zone\":\"z\"}"));
    }

    @Test
    void ownerAdminOrGatewayUpdatesAndDeactivatesOthersMayNot() {
        meter("MTR-1");
        final Map<String, Object> moved = Json.parseObject(call("updateAsset", asAdmin().context(), "MTR-1", "{\"zone\":\"zone-2\"}"));
        assertThat(moved).containsEntry("zone", "zone-2");
        assertThat((List<?>) Json.parseObject(call("queryAssets", asDevice().context(), "zone", "zone-2", "", "")).get("assets")).hasSize(1);
        assertThat((List<?>) Json.parseObject(call("queryAssets", asDevice().context(), "zone", "zone-1", "", "")).get("assets")).isEmpty();
        rejects("ACCESS_DENIED", () -> call("updateAsset", asDevice().context(), "MTR-1", "{\"zone\":\"zone-3\"}"));
        rejects("ACCESS_DENIED", () -> call("updateAsset", ledger.as(COMMUNITY, "client", "someone-else").context(), "MTR-1",
                "{\"zone\":\"zone-3\"}"));
        rejects("ACCESS_DENIED", () -> call("deactivateAsset", ledger.as(AGGREGATOR, "admin", "admin").context(), "MTR-1"));
        rejects("BAD_REQUEST", () -> call("updateAsset", asAdmin().context(), "MTR-1", "{\"ownerMsp\":\"AggregatorMSP\"}"));
        rejects("BAD_REQUEST", () -> call("updateAsset", asAdmin().context(), "MTR-1", "{}"));
        rejects("BAD_REQUEST", () -> call("updateAsset", asAdmin().context(), "MTR-1", "{\"status\":\"GONE\"}"));
        final Map<String, Object> off = Json.parseObject(call("deactivateAsset", asGateway().context(), "MTR-1"));
        assertThat(off).containsEntry("status", "INACTIVE");
        assertThat(ledger.lastEventName()).isEqualTo("AssetUpdated");
    }

    @Test
    void rebindingTheDeviceMovesItsIndexEntry() {
        meter("MTR-1");
        final String newDevice = FakeLedger.idOf(COMMUNITY, "client", "device-2");
        call("updateAsset", asAdmin().context(), "MTR-1", "{\"deviceId\":\"" + newDevice + "\"}");
        // The old device is no longer bound anywhere: it may register again (it is just a client).
        call("registerAsset", asDevice().context(), "{\"assetId\":\"EV-9\",\"type\":\"EV\",\"zone\":\"z\"}");
        assertThat(ledger.policyOf(Registry.BY_DEVICE, COMMUNITY, newDevice, "MTR-1")).isEqualTo("AND('CommunityMSP.peer', OR('DsoMSP.peer', 'AggregatorMSP.peer'))");
        call("updateAsset", asAdmin().context(), "MTR-1", "{\"deviceId\":null}");
        assertThat(Json.parseObject(call("getAsset", asGateway().context(), "MTR-1")).get("deviceId")).isNull();
    }

    @Test
    void queriesByOwnerZoneAndTypeArePaged() {
        for (int i = 0; i < 5; i++) {
            meter("MTR-" + i);
        }
        call("registerAsset", asGateway().context(), "{\"assetId\":\"CS-1\",\"type\":\"CHARGING_STATION\",\"zone\":\"zone-1\"}");
        final Map<String, Object> page1 = Json.parseObject(call("queryAssets", asAdmin().context(), "owner", COMMUNITY, "4", ""));
        assertThat((List<?>) page1.get("assets")).hasSize(4);
        final Map<String, Object> page2 = Json.parseObject(call("queryAssets", asAdmin().context(), "owner", COMMUNITY, "4",
                (String) page1.get("bookmark")));
        assertThat((List<?>) page2.get("assets")).hasSize(2);
        assertThat(page2.get("bookmark")).isEqualTo("");
        assertThat((List<?>) Json.parseObject(call("queryAssets", asAdmin().context(), "type", "CHARGING_STATION", "", "")).get("assets"))
                .hasSize(1);
        rejects("BAD_REQUEST", () -> call("queryAssets", asAdmin().context(), "colour", "red", "", ""));
        rejects("BAD_REQUEST", () -> call("queryAssets", asAdmin().context(), "type", "TOASTER", "", ""));
        rejects("BAD_REQUEST", () -> call("queryAssets", asAdmin().context(), "zone", "z", "1001", ""));
    }

    @Test
    void aStaleIndexEntryPointsNowhere() {
        meter("MTR-1");
        ledger.plant("\u0000", Registry.BY_ZONE, "zone-1", "METER", "GHOST");
        assertThat((List<?>) Json.parseObject(call("queryAssets", asAdmin().context(), "zone", "zone-1", "", "")).get("assets"))
                .hasSize(1);
    }

    @Test
    void whoAmIGivesTheIdToBindAndNoopWritesNothing() {
        assertThat(Json.parseObject(call("whoAmI", asDevice().context()))).containsEntry("id", DEVICE_ID).containsEntry("role", "client")
                .containsEntry("mspId", COMMUNITY);
        final Map<String, String> before = ledger.snapshot();
        assertThat(call("noop", asGateway().context())).isEqualTo("{}");
        assertThat(ledger.snapshot()).isEqualTo(before);
        rejects("ACCESS_DENIED", () -> call("noop", ledger.as(COMMUNITY, "peer", "p").context()));
    }
}
