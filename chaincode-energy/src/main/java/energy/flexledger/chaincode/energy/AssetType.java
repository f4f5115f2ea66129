package energy.flexledger.chaincode.energy;

import energy.flexledger.chaincode.Failures;
import energy.flexledger.spec.ErrorCode;

/** What a registered asset is. Meters certify intervals; other assets may, if they carry a salt commitment. */
enum AssetType {
    METER,
    EMS,
    BMS,
    CHARGING_STATION,
    EV;

    static AssetType parse(final String text) {
        for (final AssetType t : values()) {
            if (t.name().equals(text)) {
                return t;
            }
        }
        throw Failures.fail(ErrorCode.BAD_REQUEST, "type must be one of METER, EMS, BMS, CHARGING_STATION, EV; was '" + text + "'");
    }
}
