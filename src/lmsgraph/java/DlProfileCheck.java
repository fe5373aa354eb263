// Checks an ontology document against the OWL 2 DL profile with the OWL API.
// Usage: java -cp <owlapi classpath> DlProfileCheck.java FILE
// Prints one line per violation, "IN-PROFILE" or "NOT-IN-PROFILE" last; exit 0 in profile, 1 not, 2 on error.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DlProfileCheck {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: DlProfileCheck FILE");
            System.exit(2);
        }
        try {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            for (OWLProfileViolation violation : report.getViolations()) {
                System.out.println("VIOLATION\t" + violation.toString().replace('\n', ' '));
            }
            System.out.println("AXIOMS\t" + ontology.getAxiomCount());
            System.out.println(report.isInProfile() ? "IN-PROFILE" : "NOT-IN-PROFILE");
            System.exit(report.isInProfile() ? 0 : 1);
        } catch (Exception e) {
            System.err.println("error: " + e);
            System.exit(2);
        }
    }
}
