import Foundation

/// What one file holds: its objects, or why it could not be read.
struct ConfigFile: Sendable {
    /// The objects read, in document order.
    var objects: [RawObject] = []
    /// Documents that are not objects (reported; the file's other objects are used).
    var problems: [(location: SourceLocation, message: String)] = []

    /// Reads `path` as Kubernetes objects; throws `ParseFailure` when the text is not
    /// YAML/JSON at all. `generation` becomes each object's resourceVersion.
    static func read(
        path: String, data: Data, generation: Int, defaultNamespace: String = "default"
    ) throws(ParseFailure) -> ConfigFile {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ParseFailure(line: 1, column: 1, message: "not UTF-8 text")
        }
        var documents: [ParsedDocument]
        do {
            documents = try YAMLDocuments.parse(text)
        } catch {
            // A JSON file YAML's reader balks at (tabs, long lines) may still be JSON.
            guard path.hasSuffix(".json"), let any = try? JSONSerialization.jsonObject(with: data),
                let value = try? JSONDecoder().decode(JSONValue.self, from: JSONSerialization.data(withJSONObject: any))
            else { throw error }
            documents = [ParsedDocument(value: value, line: 1, column: 1)]
        }
        var file = ConfigFile()
        for document in documents {
            let location = SourceLocation.file(path: path, line: document.line, column: document.column)
            // `kind: List` (what `kubectl get -o yaml` writes) holds its objects in `items`.
            if document.value["kind"]?.stringValue == "List", case .array(let items)? = document.value["items"] {
                for item in items {
                    file.add(item, location: location, generation: generation, defaultNamespace: defaultNamespace)
                }
            } else {
                file.add(document.value, location: location, generation: generation, defaultNamespace: defaultNamespace)
            }
        }
        return file
    }

    private mutating func add(_ value: JSONValue, location: SourceLocation, generation: Int, defaultNamespace: String) {
        guard case .object(var members) = value,
            let apiVersion = members["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            let kind = members["kind"]?.stringValue, !kind.isEmpty,
            case .object(var metadata)? = members["metadata"],
            let name = metadata["name"]?.stringValue, !name.isEmpty
        else {
            problems.append((location, "not a Kubernetes object (needs apiVersion, kind and metadata.name)"))
            return
        }
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        let groupKind = GroupKind(group: group, kind: kind)
        var namespace = metadata["namespace"]?.stringValue ?? ""
        if groupKind.isClusterScoped {
            namespace = ""
        } else if namespace.isEmpty {
            // What `kubectl apply` does without `-n`; written into the object so its
            // metadata and its key agree.
            namespace = defaultNamespace
            metadata["namespace"] = .string(namespace)
            members["metadata"] = .object(metadata)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let json = try? encoder.encode(JSONValue.object(members)) else {
            problems.append((location, "cannot be encoded as JSON"))
            return
        }
        objects.append(
            RawObject(
                key: ObjectKey(group: group, kind: kind, namespace: namespace, name: name),
                apiVersion: apiVersion, resourceVersion: String(generation), json: json, location: location))
    }
}

/// Reads one file of Kubernetes objects exactly as the directory source does, for
/// tools that read files once (`controld analyze`).
public enum ConfigFileReader {
    /// The objects of `data` read from `path`, and what could not be read (a file
    /// that is not YAML at all is one problem at its line and column). Objects
    /// without a namespace are put in `defaultNamespace`, as `kubectl apply -n` does.
    public static func read(
        path: String, data: Data, defaultNamespace: String = "default"
    ) -> (objects: [RawObject], problems: [(location: SourceLocation, message: String)]) {
        do {
            let file = try ConfigFile.read(path: path, data: data, generation: 1, defaultNamespace: defaultNamespace)
            return (file.objects, file.problems)
        } catch {
            return ([], [(.file(path: path, line: error.line, column: error.column), error.message)])
        }
    }
}
