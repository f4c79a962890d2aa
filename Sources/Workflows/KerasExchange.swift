import CNNCore
import Foundation
import KerasFiles

/// `cnnviz import` and `cnnviz export`: a Keras file into a CNNViz model folder, and any model
/// back out as a file Keras loads. Both check the destination before any work and write only
/// through `AtomicWrite`, so a refused or failed run leaves nothing behind.
public enum KerasExchange {
    /// Reads a .keras or .h5 file and writes it as a model folder at `output` (replaced whole
    /// if cnnviz wrote it before). The folder records the rescale and classes used.
    @discardableResult
    public static func importFile(_ file: URL, output: URL, overrides: ModelOverrides = ModelOverrides()) throws -> LoadedModel {
        try OutputFolder.checkReplaceable(output)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), isFolder.boolValue {
            throw CNNError.invalidInput("\(file.path) is a folder, not a Keras file",
                                        hint: "give a .keras or .h5 file written by Keras' model.save(); a CNNViz model folder needs no import")
        }
        var loaded = try ModelFiles.load(file, overrides: overrides)
        if loaded.classNamesAssumed { loaded.saved.spec.classNames = [] }  // evaluate then takes the data folder's
        try loaded.saved.save(to: output)
        return loaded
    }

    /// Writes the model at `model` (a folder, .keras or .h5) as `output`, a .keras or legacy .h5
    /// file by its name, with its class names and rescale where Keras does not look
    /// (`CNNVizExtras`). An existing file there is replaced only if cnnviz wrote it.
    @discardableResult
    public static func export(model: URL, output: URL, overrides: ModelOverrides = ModelOverrides()) throws -> LoadedModel {
        guard let format = KerasFormat(fileName: output.path) else { throw KerasFileError.unknownExtension(path: output.path) }
        try OutputFolder.checkNotProtected(output)
        try OutputFolder.checkFileReplaceable(output)
        let loaded = try ModelFiles.load(model, overrides: overrides)
        let spec = loaded.saved.spec
        // Only what is known goes in: a Keras file's assumed rescale and names stay unrecorded.
        let extras = loaded.classNamesAssumed && loaded.rescaleAssumed ? nil
            : CNNVizExtras(classNames: loaded.classNamesAssumed ? [] : spec.classNames,
                           rescale: loaded.rescaleAssumed ? nil : spec.preprocessing.rescale)
        let bytes = try KerasFileWriter.bytes(loaded.saved.model, name: spec.name, format: format, path: output.path, extras: extras)
        try OutputFolder.create(output.deletingLastPathComponent())
        try AtomicWrite.file(bytes, to: output)
        return loaded
    }

    /// `output/models/<file name without extension>`.
    public static func defaultImportFolder(for file: URL, base: URL = URL(fileURLWithPath: OutputFolder.defaultRoot)) -> URL {
        base.appendingPathComponent("models").appendingPathComponent(file.deletingPathExtension().lastPathComponent)
    }
}
