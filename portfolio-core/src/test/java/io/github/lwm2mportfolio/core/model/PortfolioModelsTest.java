package io.github.lwm2mportfolio.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import java.util.List;

import javax.xml.transform.stream.StreamSource;

import org.eclipse.leshan.core.model.DefaultDDFFileValidator;
import org.eclipse.leshan.core.model.DefaultObjectModelValidator;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Operations;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.model.StaticModel;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXException;

class PortfolioModelsTest {

    @Test
    void both_models_pass_leshan_model_validation() {
        assertThatCode(() -> new DefaultObjectModelValidator().validate(PortfolioModels.all(), "PortfolioModels"))
                .doesNotThrowAnyException();
    }

    @Test
    void the_ddf_file_is_valid_against_the_lwm2m_schema() throws Exception {
        try (InputStream ddf = PortfolioModels.class.getResourceAsStream(PortfolioModels.PORTFOLIO_DDF)) {
            assertThat(ddf).as(PortfolioModels.PORTFOLIO_DDF).isNotNull();
            assertThatCode(() -> new DefaultDDFFileValidator().validate(new StreamSource(ddf)))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void the_ddf_file_and_the_resource_constants_name_the_same_resources() {
        ObjectModel portfolio = PortfolioModels.portfolio();

        assertThat(portfolio.id).isEqualTo(PortfolioObject.OBJECT_ID);
        assertThat(portfolio.version).isEqualTo(PortfolioObject.VERSION);
        assertThat(portfolio.resources.get(PortfolioObject.IDENTITY).name).isEqualTo("Identity");
        assertThat(portfolio.resources.get(PortfolioObject.GET_AUTH_DATA).name).isEqualTo("GetAuthData");
        assertThat(portfolio.resources.get(PortfolioObject.AUTH_DATA).name).isEqualTo("AuthData");
        assertThat(portfolio.resources.get(PortfolioObject.AUTH_STATUS).name).isEqualTo("AuthStatus");
    }

    @Test
    void a_ddf_file_with_a_wrong_type_is_refused_by_the_schema() {
        String broken = new String(readDdf(), StandardCharsets.UTF_8).replace("<Type>Opaque</Type>",
                "<Type>Blob</Type>");

        assertThatThrownBy(() -> new DefaultDDFFileValidator()
                .validate(new StreamSource(new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8)))))
                .isInstanceOf(SAXException.class).hasMessageContaining("Blob");
    }

    @Test
    void portfolio_is_object_16_with_the_published_four_resources() {
        ObjectModel portfolio = PortfolioModels.portfolio();

        assertThat(portfolio.id).isEqualTo(16);
        assertThat(portfolio.urn).isEqualTo("urn:oma:lwm2m:oma:16");
        assertThat(portfolio.version).isEqualTo("1.0");
        assertThat(portfolio.lwm2mVersion).isEqualTo("1.0");
        assertThat(portfolio.multiple).isTrue();
        assertThat(portfolio.mandatory).isFalse();
        assertResource(portfolio.resources.get(0), "Identity", Operations.RW, true, true, Type.STRING);
        assertResource(portfolio.resources.get(1), "GetAuthData", Operations.E, false, false, Type.NONE);
        assertResource(portfolio.resources.get(2), "AuthData", Operations.R, true, false, Type.OPAQUE);
        assertResource(portfolio.resources.get(3), "AuthStatus", Operations.R, false, false, Type.INTEGER);
        assertThat(portfolio.resources.get(3).rangeEnumeration).isEqualTo("0..2");
        assertThat(portfolio.resources).hasSize(4);
    }

    @Test
    void device_model_agrees_with_leshans_device_1_0_resource_by_resource() {
        ObjectModel leshanDevice = ObjectLoader.loadAllDefault().stream()
                .filter(m -> m.id == 3 && m.version.equals("1.0")).findFirst().orElseThrow();
        ObjectModel ours = PortfolioModels.device();

        assertThat(ours.resources.keySet()).isEqualTo(leshanDevice.resources.keySet());
        for (ResourceModel theirs : leshanDevice.resources.values()) {
            ResourceModel mine = ours.resources.get(theirs.id);
            assertThat(mine.operations).as("operations of %d", theirs.id).isEqualTo(theirs.operations);
            assertThat(mine.multiple).as("multiple of %d", theirs.id).isEqualTo(theirs.multiple);
            assertThat(mine.mandatory).as("mandatory of %d", theirs.id).isEqualTo(theirs.mandatory);
            assertThat(mine.type).as("type of %d", theirs.id).isEqualTo(theirs.type);
        }
        assertResource(ours.resources.get(22), "ExtDevInfo", Operations.R, true, false, Type.OBJLNK);
    }

    @Test
    void client_models_hold_one_version_per_object_with_ours() {
        List<ObjectModel> models = PortfolioModels.clientModels();

        assertThatCode(() -> new StaticModel(models)).doesNotThrowAnyException();
        assertThat(models).filteredOn(m -> m.id == 3).containsExactly(PortfolioModels.device());
        assertThat(models).filteredOn(m -> m.id == 16).containsExactly(PortfolioModels.portfolio());
    }

    @Test
    void server_models_keep_every_device_version_and_add_portfolio() {
        List<ObjectModel> models = PortfolioModels.serverModels();

        assertThat(models).filteredOn(m -> m.id == 3).extracting(m -> m.version).containsExactlyInAnyOrder("1.0",
                "1.1", "1.2");
        assertThat(models).filteredOn(m -> m.id == 16).containsExactly(PortfolioModels.portfolio());
    }

    private static byte[] readDdf() {
        try (InputStream ddf = PortfolioModels.class.getResourceAsStream(PortfolioModels.PORTFOLIO_DDF)) {
            return ddf.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertResource(ResourceModel resource, String name, Operations operations, boolean multiple,
            boolean mandatory, Type type) {
        assertThat(resource.name).isEqualTo(name);
        assertThat(resource.operations).isEqualTo(operations);
        assertThat(resource.multiple).isEqualTo(multiple);
        assertThat(resource.mandatory).isEqualTo(mandatory);
        assertThat(resource.type).isEqualTo(type);
    }
}
