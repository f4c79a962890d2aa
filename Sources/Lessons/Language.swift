/// `Language` lives in Visualize (the pages drawn there need it too); re-exported here, that one
/// declaration only, so every lesson file and everything importing Lessons keep naming it as before.
@_exported import enum Visualize.Language
