package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.exactlyOnePerId;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.AbstractParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.pmml.WineQualityPmml;
import dev.modelserving.model.records.RecordMapper;
import dev.modelserving.model.records.RecordMapping;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.ValidationSample;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own data through Kafka in a MiniCluster: wine-style CSV lines (spaced column names, quoted commas, a
 * categorical colour) and nested JSON records, mapped by a record mapping file, scored by a PMML model with a
 * categorical input, results written as JSON. Every result equals the same PMML scored offline by the model factory
 * on the record the same mapping makes; unmappable records are dead letters naming the field; the job never restarts.
 */
class BringYourOwnDataIntegrationTest extends ClusterAndBrokerPerClass {

    private static final String DATA_TYPE = "wine";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final String CSV_MAPPING = """
            {
              "columns": ["wine id", "fixed acidity", "volatile acidity", "alcohol", "colour"],
              "data_type": "wine",
              "key_field": "wine id",
              "id_field": "wine id",
              "features": ["fixed acidity", "alcohol", "volatile acidity"],
              "categorical_features": ["colour"]
            }
            """;

    private static final String JSON_MAPPING = """
            {
              "data_type": "wine",
              "key_field": "/cellar/name",
              "id_field": "id",
              "event_time_field": "tasted.at",
              "features": {"lab.fixed acidity": "fixed acidity", "/lab/alcohol": "alcohol"},
              "categorical_features": {"wine.colour": "colour"}
            }
            """;

    /** Good CSV lines: id (quoted commas), fixed acidity, volatile acidity, alcohol, colour. */
    private static final Map<String, String> GOOD_CSV = orderedMap(
            "w-1", "w-1,7.4,0.70,9.4,red",
            "w-2, cellar B", "\"w-2, cellar B\",6.3,0.30,10.5,white",
            "w-3", "w-3,11.2,0.28,12.8,white",
            "w-4", "w-4,8.1,0.56,9.8,red",
            "w-5 \"reserve\"", "\"w-5 \"\"reserve\"\"\",7.8,0.58,11.0,red");

    /** Bad CSV lines and what their dead letter must name. */
    private static final Map<String, String> BAD_CSV = orderedMap(
            "w-6,seven,0.3,10.0,red", "feature 'fixed acidity' (field 'fixed acidity'): 'seven' is not a number",
            "w-7,7.0,0.3,,white", "missing feature 'alcohol' (field 'alcohol')",
            "w-8,7.0,0.3,10.0", "the CSV line has 4 values, the mapping lists 5 columns");

    private static final Map<String, String> GOOD_JSON = orderedMap(
            "j-1", """
                    {"id": "j-1", "cellar": {"name": "north"}, "wine": {"colour": "white"},
                     "lab": {"fixed acidity": 6.8, "alcohol": 11.4}, "tasted": {"at": "2026-11-30T08:00:00Z"}}""",
            "j-2", """
                    {"id": "j-2", "cellar": {"name": "south"}, "wine": {"colour": "red"},
                     "lab": {"fixed acidity": "9.1", "alcohol": 10.1}, "tasted": {"at": 1764489600000}}""",
            "j-3", """
                    {"id": "j-3", "cellar": {"name": "north"}, "wine": {"colour": "white", "vintage": 2021},
                     "lab": {"fixed acidity": 5.9, "alcohol": 12.9, "pH": 3.3}, "tasted": {"at": 1}}""");

    private static final Map<String, String> BAD_JSON = orderedMap(
            "{\"id\": \"j-4\", \"wine\": {\"colour\": \"red\"}, \"lab\": {\"alcohol\": 10}, \"tasted\": {\"at\": 1},"
                    + " \"cellar\": {\"name\": \"n\"}}",
            "missing feature 'fixed acidity' (field 'lab.fixed acidity')",
            "{\"id\": \"j-5\", \"lab\": ",
            "not a JSON object",
            "{\"id\": \"j-6\", \"wine\": {\"colour\": [\"red\"]}, \"lab\": {\"fixed acidity\": 7, \"alcohol\": 10},"
                    + " \"tasted\": {\"at\": 1}, \"cellar\": {\"name\": \"n\"}}",
            "categorical feature 'colour' (field 'wine.colour'): a array is not a text value");

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void csvRecordsWithSpacedNamesAndACategoryAreScoredAsOffline(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path dir) throws Exception {
        scenario(cluster, dir, "byod-csv", "csv", CSV_MAPPING, GOOD_CSV, BAD_CSV);
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void nestedJsonRecordsAreScoredAsOffline(@InjectMiniCluster MiniCluster cluster, @TempDir Path dir)
            throws Exception {
        scenario(cluster, dir, "byod-json", "json", JSON_MAPPING, GOOD_JSON, BAD_JSON);
    }

    private void scenario(
            MiniCluster cluster,
            Path dir,
            String prefix,
            String format,
            String mappingText,
            Map<String, String> good,
            Map<String, String> bad)
            throws Exception {
        ServingTopics topics = ServingTopics.create(broker, prefix);
        Path mappingFile = dir.resolve("mapping.json");
        Files.writeString(mappingFile, mappingText);
        RecordMapper mapper = new RecordMapper(RecordMapping.read(mappingFile));
        ModelDescriptor descriptor = wineModel();
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.results(), new JsonResults());
                TopicReader<DeadLetter> deadLetters = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.deadLetters(), DeadLetter.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(
                        topics.config(
                                Mode.KEYED,
                                LocalFlink.SLOTS,
                                "--data-format",
                                format,
                                "--record-mapping",
                                mappingFile.toString(),
                                "--results-format",
                                "json"),
                        cluster);
                Model offline = new ModelLoader(
                                ModelFactories.discover(getClass().getClassLoader()), LoadPolicy.defaults())
                        .load(descriptor)) {
            producer.send(topics.models(), DATA_TYPE, descriptor);
            events.awaitUntil("the wine model is active", WAIT, eventFromEach(ModelEventType.ACTIVATED, 1, 1));

            for (String line : good.values()) {
                producer.sendBytes(topics.data(), null, line.getBytes(StandardCharsets.UTF_8));
            }
            for (String line : bad.keySet()) {
                producer.sendBytes(topics.data(), null, line.getBytes(StandardCharsets.UTF_8));
            }

            Map<String, ServingResult> byId = exactlyOnePerId(
                    results.awaitUntil("a JSON result for every good record", WAIT, resultsFor(good.keySet())),
                    good.keySet());
            for (Map.Entry<String, String> entry : good.entrySet()) {
                DataRecord record = mapper.map(entry.getValue());
                ServingResult result = byId.get(entry.getKey());
                assertThat(result.getStatus()).as(result.toString()).isEqualTo(ServingStatus.SCORED);
                assertThat(result.getModelVersion()).isEqualTo(1);
                assertThat(result.getKey()).isEqualTo(record.getKey()).isNotEmpty();
                double expected = offline.score(record).outputs()[0];
                assertThat(result.getOutputsList()).containsExactly(expected);
                assertThat(expected)
                        .isEqualTo(WineQualityPmml.quality(
                                record.getFeaturesOrThrow(WineQualityPmml.FIXED_ACIDITY),
                                record.getFeaturesOrThrow(WineQualityPmml.ALCOHOL),
                                record.getCategoricalFeaturesOrThrow(WineQualityPmml.COLOUR)));
            }

            List<DeadLetter> letters =
                    deadLetters
                            .awaitUntil("a dead letter for every bad record", WAIT, read -> read.size() >= bad.size())
                            .stream()
                            .map(Consumed::value)
                            .toList();
            assertThat(letters).hasSize(bad.size());
            for (Map.Entry<String, String> entry : bad.entrySet()) {
                ByteString payload = ByteString.copyFromUtf8(entry.getKey());
                assertThat(letters)
                        .filteredOn(letter -> letter.getPayload().equals(payload))
                        .singleElement()
                        .satisfies(letter -> assertThat(letter.getReason())
                                .startsWith(format.toUpperCase(java.util.Locale.ROOT) + " record: ")
                                .contains(entry.getValue()));
            }
            assertThat(job.restarts()).as(job.describe()).isZero();
        }
    }

    /** The wine model, with validation samples that carry the categorical colour. */
    private static ModelDescriptor wineModel() {
        ModelDescriptor.Builder descriptor = ModelDescriptor.newBuilder()
                .setName("wine-quality")
                .setVersion(1)
                .setDataType(DATA_TYPE)
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFrom(WineQualityPmml.bytes(null)))
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.REGRESSION));
        for (String colour : List.of("red", "white")) {
            descriptor.addValidationSamples(ValidationSample.newBuilder()
                    .setInput(DataRecord.newBuilder()
                            .putFeatures(WineQualityPmml.FIXED_ACIDITY, 7.0)
                            .putFeatures(WineQualityPmml.ALCOHOL, 10.0)
                            .putCategoricalFeatures(WineQualityPmml.COLOUR, colour))
                    .addExpectedOutputs(WineQualityPmml.quality(7.0, 10.0, colour)));
        }
        return descriptor.build();
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Reads a results-topic value written with {@code --results-format json}: protobuf's JSON mapping. */
    private static final class JsonResults extends AbstractParser<ServingResult> {

        @Override
        public ServingResult parsePartialFrom(CodedInputStream input, ExtensionRegistryLite registry)
                throws InvalidProtocolBufferException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                while (!input.isAtEnd()) {
                    bytes.write(input.readRawByte());
                }
            } catch (java.io.IOException e) {
                throw new InvalidProtocolBufferException(e);
            }
            String json = bytes.toString(StandardCharsets.UTF_8);
            if (!json.startsWith("{")) {
                throw new InvalidProtocolBufferException("not a JSON result: " + json);
            }
            ServingResult.Builder result = ServingResult.newBuilder();
            JsonFormat.parser().merge(json, result);
            return result.build();
        }
    }
}
