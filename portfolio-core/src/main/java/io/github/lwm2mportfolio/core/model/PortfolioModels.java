package io.github.lwm2mportfolio.core.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.leshan.core.model.InvalidDDFFileException;
import org.eclipse.leshan.core.model.InvalidModelException;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Operations;
import org.eclipse.leshan.core.model.ResourceModel.Type;

/**
 * The object models this project registers on both sides: Portfolio (16), loaded from its DDF file
 * {@value #PORTFOLIO_DDF}, and Device (3, with resource 22 ExtDevInfo), written from the published facts. A
 * server that does not know model 16 decodes TLV values as opaque bytes, so servers must register these too.
 */
public final class PortfolioModels {

    /** Object 16 in OMA DDF XML, in every jar of the project: the one source of the Portfolio model. */
    public static final String PORTFOLIO_DDF = "/lwm2m-portfolio/16.xml";

    private static final ObjectModel PORTFOLIO = loadPortfolioDdf();

    private static final ObjectModel DEVICE = new ObjectModel(PortfolioObject.DEVICE_OBJECT_ID, "Device",
            "The device's own information, with links to objects that describe it further.", "1.0", false, true,
            List.of(resource(0, "Manufacturer", Operations.R, false, false, Type.STRING, "", "Manufacturer."),
                    resource(1, "Model Number", Operations.R, false, false, Type.STRING, "", "Model."),
                    resource(2, "Serial Number", Operations.R, false, false, Type.STRING, "", "Serial number."),
                    resource(3, "Firmware Version", Operations.R, false, false, Type.STRING, "", "Firmware."),
                    resource(4, "Reboot", Operations.E, false, true, Type.NONE, "", "Reboot."),
                    resource(5, "Factory Reset", Operations.E, false, false, Type.NONE, "", "Factory reset."),
                    resource(6, "Available Power Sources", Operations.R, true, false, Type.INTEGER, "0..7", ""),
                    resource(7, "Power Source Voltage", Operations.R, true, false, Type.INTEGER, "", ""),
                    resource(8, "Power Source Current", Operations.R, true, false, Type.INTEGER, "", ""),
                    resource(9, "Battery Level", Operations.R, false, false, Type.INTEGER, "0..100", ""),
                    resource(10, "Memory Free", Operations.R, false, false, Type.INTEGER, "", ""),
                    resource(11, "Error Code", Operations.R, true, true, Type.INTEGER, "0..8", ""),
                    resource(12, "Reset Error Code", Operations.E, false, false, Type.NONE, "", ""),
                    resource(13, "Current Time", Operations.RW, false, false, Type.TIME, "", ""),
                    resource(14, "UTC Offset", Operations.RW, false, false, Type.STRING, "", ""),
                    resource(15, "Timezone", Operations.RW, false, false, Type.STRING, "", ""),
                    resource(16, "Supported Binding and Modes", Operations.R, false, true, Type.STRING, "", ""),
                    resource(17, "Device Type", Operations.R, false, false, Type.STRING, "", ""),
                    resource(18, "Hardware Version", Operations.R, false, false, Type.STRING, "", ""),
                    resource(19, "Software Version", Operations.R, false, false, Type.STRING, "", ""),
                    resource(20, "Battery Status", Operations.R, false, false, Type.INTEGER, "0..6", ""),
                    resource(21, "Memory Total", Operations.R, false, false, Type.INTEGER, "", ""),
                    resource(PortfolioObject.EXT_DEV_INFO, "ExtDevInfo", Operations.R, true, false, Type.OBJLNK,
                            "", "Links to object instances that extend this device, e.g. 16:0.")),
            "urn:oma:lwm2m:oma:3", "1.0", "");

    private PortfolioModels() {
    }

    public static ObjectModel portfolio() {
        return PORTFOLIO;
    }

    public static ObjectModel device() {
        return DEVICE;
    }

    /** Both models, to add to a client's or a server's model repository. */
    public static List<ObjectModel> all() {
        return List.of(DEVICE, PORTFOLIO);
    }

    /**
     * What a client registers: Leshan's default objects, one version each, with Device and Portfolio taken
     * from ours (a client serves one version of each object).
     */
    public static List<ObjectModel> clientModels() {
        List<ObjectModel> result = new ArrayList<>();
        for (ObjectModel model : ObjectLoader.loadDefault()) {
            if (all().stream().noneMatch(ours -> ours.id.equals(model.id))) {
                result.add(model);
            }
        }
        result.addAll(all());
        return result;
    }

    /**
     * What a server knows: every version of Leshan's default objects plus ours; ours replace a default of
     * the same object ID and version. Give it to a {@code VersionedModelProvider}.
     */
    public static List<ObjectModel> serverModels() {
        List<ObjectModel> result = new ArrayList<>();
        for (ObjectModel model : ObjectLoader.loadAllDefault()) {
            if (all().stream().noneMatch(ours -> ours.id.equals(model.id) && ours.version.equals(model.version))) {
                result.add(model);
            }
        }
        result.addAll(all());
        return result;
    }

    /** Reads and validates (LwM2M schema and Leshan's model rules) the DDF file shipped in this jar. */
    private static ObjectModel loadPortfolioDdf() {
        try (InputStream ddf = PortfolioModels.class.getResourceAsStream(PORTFOLIO_DDF)) {
            if (ddf == null) {
                throw new IllegalStateException(PORTFOLIO_DDF + " is missing from the class path");
            }
            List<ObjectModel> models = ObjectLoader.loadDdfFile(ddf, PORTFOLIO_DDF, true);
            if (models.size() != 1 || models.get(0).id != PortfolioObject.OBJECT_ID) {
                throw new IllegalStateException(PORTFOLIO_DDF + " must define object 16 and nothing else");
            }
            return models.get(0);
        } catch (IOException | InvalidDDFFileException | InvalidModelException e) {
            throw new IllegalStateException("cannot load " + PORTFOLIO_DDF + ": " + e.getMessage(), e);
        }
    }

    private static ResourceModel resource(int id, String name, Operations operations, boolean multiple,
            boolean mandatory, Type type, String range, String description) {
        return new ResourceModel(id, name, operations, multiple, mandatory, type, range, "", description);
    }
}
