package io.github.lwm2mportfolio.server.inventory;

import java.util.List;

/**
 * What the inventory holds of a device that a new collection starts from.
 *
 * @param lastAcceptedCounter the last AuthData counter accepted from it, -1 when none
 * @param lastVerification its newest verdict, or null
 * @param objectLinksDigest the digest of the object links it was last collected with, or null
 * @param portfolios its stored Portfolio instances and Identity values
 * @param extDevInfoPresent whether its last collection found /3/0/22 linking an instance it read
 */
public record CollectionBasis(long lastAcceptedCounter, Verification lastVerification, String objectLinksDigest,
        List<PortfolioSnapshot> portfolios, boolean extDevInfoPresent) {

    public CollectionBasis {
        portfolios = List.copyOf(portfolios);
    }
}
