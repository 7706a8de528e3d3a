package io.github.lwm2mportfolio.server.inventory;

import java.util.List;

/**
 * Everything the inventory knows of one device.
 *
 * @param extDevInfoPresent whether the last collection found a /3/0/22 link to a Portfolio instance it could read
 *        (false: flagged, the device has no portfolio)
 * @param history Identity changes, newest first
 * @param verifications the latest verdicts, newest first
 * @param collectionError the reason of the last failed collection, null after a good one
 * @param actions what operators did to the device (re-enrolments), newest first
 */
public record DeviceDetail(DeviceSummary summary, List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent,
        List<IdentityChange> history, List<Verification> verifications, String collectionError,
        List<DeviceAction> actions) {
}
