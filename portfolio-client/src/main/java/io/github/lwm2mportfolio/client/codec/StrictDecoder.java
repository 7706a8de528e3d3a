package io.github.lwm2mportfolio.client.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.leshan.core.model.LwM2mModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mNodeException;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNode;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.node.codec.CodecException;
import org.eclipse.leshan.core.node.codec.DefaultLwM2mDecoder;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.tlv.Tlv;
import org.eclipse.leshan.core.tlv.TlvDecoder;
import org.eclipse.leshan.core.tlv.TlvException;

/**
 * Leshan's decoder, refusing what it lets through: string values that are not UTF-8 (its TLV and plain-text
 * decoders replace bad bytes with U+FFFD, so a peer could store what it never wrote), and payloads whose values do
 * not fit the resource's type (its SenML decoder then throws an unchecked exception, answered 5.00). Both become a
 * {@link CodecException}, which Leshan answers 4.00 before any object sees the request.
 */
public final class StrictDecoder implements LwM2mDecoder {

    private final LwM2mDecoder leshan;

    /** @param supportDeprecatedContentFormat also TLV and JSON under the pre-1.0.0 codes 1542 and 1543 */
    public StrictDecoder(boolean supportDeprecatedContentFormat) {
        this.leshan = new DefaultLwM2mDecoder(supportDeprecatedContentFormat);
    }

    @Override
    public LwM2mNode decode(byte[] content, ContentFormat format, String rootPath, LwM2mPath path, LwM2mModel model) {
        return decode(content, format, rootPath, path, model, DefaultLwM2mDecoder.nodeClassFromPath(path));
    }

    @Override
    public <T extends LwM2mNode> T decode(byte[] content, ContentFormat format, String rootPath, LwM2mPath path,
            LwM2mModel model, Class<T> nodeClass) {
        T node;
        try {
            node = leshan.decode(content, format, rootPath, path, model, nodeClass);
        } catch (LwM2mNodeException | IllegalArgumentException e) {
            throw new CodecException("invalid content for " + path + ": " + e.getMessage(), e);
        }
        checkStrings(content, format, path, model);
        return node;
    }

    @Override
    public Map<LwM2mPath, LwM2mNode> decodeNodes(byte[] content, ContentFormat format, String rootPath,
            List<LwM2mPath> paths, LwM2mModel model) {
        try {
            return leshan.decodeNodes(content, format, rootPath, paths, model);
        } catch (LwM2mNodeException | IllegalArgumentException e) {
            throw new CodecException("invalid content for " + paths + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<TimestampedLwM2mNode> decodeTimestampedData(byte[] content, ContentFormat format, String rootPath,
            LwM2mPath path, LwM2mModel model) {
        return leshan.decodeTimestampedData(content, format, rootPath, path, model);
    }

    @Override
    public TimestampedLwM2mNodes decodeTimestampedNodes(byte[] content, ContentFormat format, String rootPath,
            List<LwM2mPath> paths, LwM2mModel model) {
        return leshan.decodeTimestampedNodes(content, format, rootPath, paths, model);
    }

    @Override
    public List<LwM2mPath> decodePaths(byte[] content, ContentFormat format, String rootPath) {
        return leshan.decodePaths(content, format, rootPath);
    }

    @Override
    public boolean isSupported(ContentFormat format) {
        return leshan.isSupported(format);
    }

    @Override
    public Set<ContentFormat> getSupportedContentFormat() {
        return leshan.getSupportedContentFormat();
    }

    /** SenML, CBOR and JSON parsers already refuse bad UTF-8; TLV and plain text carry raw bytes. */
    private static void checkStrings(byte[] content, ContentFormat format, LwM2mPath path, LwM2mModel model) {
        if (content == null || format == null) {
            return;
        }
        if (ContentFormat.TEXT.equals(format)) {
            requireUtf8(content, path);
        } else if (ContentFormat.TLV.equals(format) || format.getCode() == ContentFormat.OLD_TLV_CODE) {
            try {
                checkTlv(TlvDecoder.decode(ByteBuffer.wrap(content)), path, path.getResourceId(), model);
            } catch (TlvException e) {
                throw new CodecException("invalid TLV for " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** Walks the TLV tree Leshan has just accepted, checking the values of string resources. */
    private static void checkTlv(Tlv[] tlvs, LwM2mPath path, Integer resourceId, LwM2mModel model) {
        for (Tlv tlv : tlvs) {
            switch (tlv.getType()) {
            case OBJECT_INSTANCE -> checkTlv(tlv.getChildren(), path, null, model);
            case MULTIPLE_RESOURCE -> checkTlv(tlv.getChildren(), path, tlv.getIdentifier(), model);
            case RESOURCE_VALUE -> checkValue(tlv.getValue(), path, tlv.getIdentifier(), model);
            case RESOURCE_INSTANCE -> checkValue(tlv.getValue(), path, resourceId, model);
            }
        }
    }

    private static void checkValue(byte[] value, LwM2mPath path, Integer resourceId, LwM2mModel model) {
        if (resourceId == null) {
            return;
        }
        ResourceModel resource = model.getResourceModel(path.getObjectId(), resourceId);
        if (resource != null && resource.type == Type.STRING) {
            requireUtf8(value, path);
        }
    }

    private static void requireUtf8(byte[] bytes, LwM2mPath path) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new CodecException("a string value for " + path + " is not valid UTF-8");
        }
    }
}
