// Apache Jena ARQ over an exported dataset, for tests/test_engines.py: one JVM for every query.
//
//   java -cp JENA_CLASSPATH RunArq.java --parse QUERY.rq...          parse each as strict SPARQL 1.1
//   java -cp JENA_CLASSPATH RunArq.java DATA.trig|DATA.nq QUERY.rq...  run each over the file's dataset
//
// For each QUERY.rq it writes QUERY.rq.out: "ok" (parsed), the SPARQL JSON results, or "error: <message>".
// The dataset is read as Jena reads it (RDFDataMgr, by the file's extension); queries see its default graph as it
// is written in the file, with no union of the named graphs.

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.riot.RDFDataMgr;

public class RunArq {
    public static void main(String[] args) throws Exception {
        boolean parseOnly = args[0].equals("--parse");
        Dataset dataset = parseOnly ? null : RDFDataMgr.loadDataset(args[0]);
        for (int i = 1; i < args.length; i++) {
            Path path = Path.of(args[i]);
            String out;
            try {
                Query query = QueryFactory.create(Files.readString(path), Syntax.syntaxSPARQL_11);
                if (parseOnly) {
                    out = "ok";
                } else {
                    try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        ResultSetFormatter.outputAsJSON(bytes, execution.execSelect());
                        out = bytes.toString(StandardCharsets.UTF_8);
                    }
                }
            } catch (Exception e) {
                out = "error: " + e.getMessage();
            }
            Files.writeString(Path.of(args[i] + ".out"), out);
        }
    }
}
