// Loads an ontology document with the OWL API and saves it again as RDF/XML, as Protege and
// ROBOT would: what the OWL API cannot hold (an annotation on a data property assertion made
// an axiom annotation, say) is lost on the way, which is what a round trip through it shows.
// Usage: java -cp <owlapi classpath> OwlApiSave IN OUT
// Prints the axiom count; exit 0 saved, 2 on error.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;

public class OwlApiSave {
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: OwlApiSave IN OUT");
            System.exit(2);
        }
        try {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
            manager.saveOntology(ontology, new RDFXMLDocumentFormat(), IRI.create(new File(args[1]).toURI()));
            System.out.println("AXIOMS\t" + ontology.getAxiomCount());
            System.exit(0);
        } catch (Exception e) {
            System.err.println("error: " + e);
            System.exit(2);
        }
    }
}
