<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Colormap</name>
    <message>
        <source>Viridis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inferno</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Magma</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plasma</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Turbo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cool-warm (diverging)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Red-blue (diverging)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>All messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by episode or message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Bake Curation into key_objects.json</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the curated key objects with their provenance into each edited episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Baked %n episode(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;original annotations&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run Pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the annotation pipeline on the episodes checked in the Runs panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n frame(s) with failed detection (recorded empty; red ticks on the timeline); first: frame %1: %2</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sub-sequence(s) undecided: the VLM gave no usable answer, every candidate is kept for review (red on the timeline)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Export (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %1 episode(s), %2 frame(s) as %3 to %4 in %5 s; %6 files, read back and checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; left out by curation: %1 episode(s), %2 frame(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export of %1 cancelled: nothing was written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export of %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the project (or its curated part) for other trainers and annotation tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another job is running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the episode: %1 (`autofocus validate --repair` lists what can be done)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainRunFiles</name>
    <message>
        <source>cannot read %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a run needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a run %1 exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the run is going; stop it first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot remove %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no folder %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the run has no %1 (it has not completed)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::CompareData</name>
    <message>
        <source>saliency target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>gaze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ground truth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no episode open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>computing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: the autofocus command-line program was not found</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::ComparePane</name>
    <message>
        <source>%1 − %2 (red: more on %1, blue: more on %2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::CompareView</name>
    <message>
        <source>Side by side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swipe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Difference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One hue each</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vs saliency target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vs gaze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vs ground truth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SIM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A/B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swap A and B (X)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest disagreement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump to the frame where A and B disagree most</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>◀ Peak</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous local maximum of the disagreement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Peak ▶</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next local maximum of the disagreement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export strip…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>frame %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export compare strip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n source(s) not ready (attention is computed in the background)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>disagreement A/B (1 − CC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The selected timeline range (else the episode) as a PNG grid: rows = sources, columns = frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vs policy A</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::CurationController</name>
    <message>
        <source>Cannot open the curation journal: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Restored %n curation edit(s) from the journal</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Baked the curation into key_objects.json</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::CurationObjectModel</name>
    <message>
        <source>key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pruned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not in this frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decided by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Box (this frame)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::CurationPanel</name>
    <message>
        <source>Toggle Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make the selected objects key / pruned for this sub-sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Box</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the selected object&apos;s box in this frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge Tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge the second selected track into the first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split Track</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split the selected track at the current frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exclude Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exclude / include the current frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exclude Episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exclude / include the whole episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag / unflag the current frame with the note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note for a flagged frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an episode to curate it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-sequence %1–%2 (decided by %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sub-sequence at this frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · frame excluded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · flagged: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · episode excluded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select exactly two tracks to merge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select one track to split</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::EpisodeTableModel</name>
    <message>
        <source>flagged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n sub-sequence(s) failed</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Global context + vocabulary (context.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detection on every frame (detections.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tracking and sub-sequences (tracks.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VLM key objects (key_objects.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency parameters and coverage (saliency.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Distinct key objects over all sub-sequences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctx</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Det</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-seq.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key obj.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Damaged: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::ExportDialog</name>
    <message>
        <source>Export %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>robomimic HDF5 (robomimic, LIBERO, MimicGen, AutoFocus-IL)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folders (frames, actions.csv, saliency PNG; re-importable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>COCO detection JSON (CVAT, FiftyOne, X-AnyLabeling)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MOTChallenge (CVAT, X-AnyLabeling)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CVAT for video 1.1 XML</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YOLO (labels + data.yaml)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All episodes, as annotated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Curated: exclusions and edits applied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current episode (%1), curated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Episodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency maps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key-object points only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No saliency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>gzip (readable by any HDF5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Destination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace an existing destination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HDF5 (*.hdf5 *.h5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LeRobot v3.0 dataset (Parquet tables + MP4 videos)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>snappy (LeRobot Parquet only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>zstd (LeRobot Parquet only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>H.264 (libx264)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AV1 (SVT-AV1, LeRobot&apos;s default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LeRobot video codec</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::FrameCanvas</name>
    <message>
        <source>Open a project and choose an episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frame %1 could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No ground truth in this project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No gaze recorded for this episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>x %1  y %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>   saliency %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>   %1 #%2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::FrameView</name>
    <message>
        <source>No overlay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ground truth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gaze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlay of the left pane</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlay of the right pane (compare mode)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heatmap colormap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heatmap opacity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency below this value is transparent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Boxes drawn: all tracked objects (pruned ones dashed), key objects only, or none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two panes of the same frame with locked zoom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit the frame to the window (double-click the frame)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency 0 .. 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  frame %2 / %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::InspectorView</name>
    <message>
        <source>The first query or one of its missing-category re-runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sub-sequence at this frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-sequence %1 / %2   frames %3-%4   %5   decided by %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(frame %1 not readable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No key object (every object pruned).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rationale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>added by a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pruned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>decided by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:#f0be3c&apos;&gt;person&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expert action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>action description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>vocabulary added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing-category re-runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recovered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>detections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Query</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backend / model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>latency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 prompt + %2 completion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>retries / repairs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cache key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (not in the exchange file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warnings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raw answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parsed answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>raw</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::LogModel</name>
    <message>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::MainWindow</name>
    <message>
        <source>AutoFocus Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No project open. Use File &gt; Open Project.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter episodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not annotated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Annotated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Episodes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Project...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;Sample Project...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import &amp;Folder...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import &amp;HDF5...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Compare Overlays</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next Episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous Episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About AutoFocus Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About AutoFocus Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AutoFocus Studio: VLM-guided saliency annotation for imitation learning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open project: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; &amp;nbsp; %2 episodes, %3 frames, %4 x %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open episode %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 - AutoFocus Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2 - AutoFocus Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another job is running: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (%1 s left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Sample Project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generates the built-in sample world and annotates it with the scene oracle
(ground truth standing in for the VLM and the detector).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder (new)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frames per episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already exists; choose a new folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New sample project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dataset Folder (one sub-folder per episode)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Project Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HDF5 Dataset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HDF5 (*.hdf5 *.h5);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import HDF5</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::PlaybackController</name>
    <message>
        <source>Play / Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start or stop playback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One frame forward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One frame back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>10 Frames Forward</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>10 Frames Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next Sub-sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump to the next sub-sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous Sub-sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump to the start of this or the previous sub-sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next Flagged Frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump to the next frame flagged for review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loop Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Repeat the loop range while playing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set Loop Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loop from the current frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set Loop End</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loop up to the current frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Faster</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double the playback speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slower</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Halve the playback speed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::PoliciesModel</name>
    <message>
        <source>No policy.pt yet: the run has not finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regulariser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Best val BC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed loop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::PoliciesPanel</name>
    <message>
        <source>Compare…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the attention compare view on the checked policies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare attention</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::RunsPanel</name>
    <message>
        <source>Episodes (none checked = all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current Only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scene oracle (sample world)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenAI-compatible server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name of the variable, e.g. OPENAI_API_KEY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API key itself is never stored: only the name of the environment variable that holds it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VLM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Endpoint URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API key variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detector URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detector model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run Pipeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — ETA %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a project before starting a run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A job is already running; cancel it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipeline run</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Pipeline run started on %n episode(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled; finished stages are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipeline run cancelled (finished stages are on disk; a new run resumes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pipeline run failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished (ran %1; up to date %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done in %1 s: %2 episode(s), %3 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to check: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection check failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Connection check: %n problem(s), see the log</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Checking the connection...</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::SaliencyPanel</name>
    <message>
        <source>Eq. 1 parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>auto</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sigma0 = 0.094 x image width (30 px at 320)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sigma0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geometric  (sigma0 / beta^k)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>linear  (sigma0 + k delta)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>growth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>beta</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delta = 0.25 x sigma0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delta</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>decay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>temporal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off = window 1 (the non-temporal ablation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>window K</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>isotropic (paper)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>box-shaped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>kernel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Surrounding frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply to Project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-render every episode with these parameters and save them in project.json</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paper Defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current frame re-rendered in %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply saliency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  %p%  (%2 s left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  %p%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency parameters applied to every episode and saved in project.json</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply to project cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply to project failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::StudioDocument</name>
    <message>
        <source>No project is open</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TimelineLanes</name>
    <message>
        <source>No episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sub-sequences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>coverage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>short tracks (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TimelineView</name>
    <message>
        <source>frame </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sub-sequence %1 / %2  [%3-%4]  %5 key, %6 re-run(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no sub-sequence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  - undecided: review the candidates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  - detection failed on this frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the whole episode (Ctrl+wheel zooms at the cursor, Shift+wheel or dragging the ruler pans)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the lanes of the tracks present at the current frame in view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All tracks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key objects only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Present now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longer than</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which tracks get a lane (tracks shorter than %1 frames share one lane)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> frames</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainCurves</name>
    <message>
        <source>Log scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>training loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>training BC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>regulariser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>validation BC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built without QCustomPlot: no curves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Losses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Samples/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data-wait share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which curves the plot shows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exponential moving average of the curves (display only; the recorded values stay)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>samples/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data-wait share</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainDock</name>
    <message>
        <source>%1 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish the current step, write last.ckpt and end the run (it can be resumed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue the last stopped run from its checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a project before starting a training run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training options are invalid: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 could not start: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping %1 (writing a checkpoint)...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No training run to resume.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 could not resume: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resuming %1...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 resumed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Curves of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epoch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lr %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 samples/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>data wait %1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>validation BC %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 completed: best validation BC %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 stopped with a checkpoint; Resume continues it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 stopped: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time a few training steps of these options on the project&apos;s frames (GABRIL CNN, the real loader) and estimate the time per epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time per epoch: not measured</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add to Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start this run when the runs before it have ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Estimated time left of the run being trained</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a run with the Train dock&apos;s options</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Training Run to Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue a run with the Train dock&apos;s options</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue: empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time per epoch: measuring...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time per epoch: not measured (Measure)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time per epoch: about %1 (%2 ms per step, data wait %3 %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; %1 for %2 epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — measured with the GABRIL CNN, not %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot measure the step time: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measuring the step time failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time per epoch: the measurement failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A run named %1 exists or is queued; choose another name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A training run is going; Add to Queue starts this one after it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue cleared: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 started in the background</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A training run is going; resume %1 after it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Curves of %1 and %2 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Following %1 (trained by a process outside the studio)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Following training run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the trainer ended while the run said &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training is going</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 is going. Stop it (a checkpoint is written; Resume continues it) or leave it running after the studio closes?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued runs that have not started are dropped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not ask again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 left running (pid %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run %1 left running (pid %2); no pid file, so the studio will not follow it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainEvalView</name>
    <message>
        <source>Pedestrians</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vehicles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off road</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Red lights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop signs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Route</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Family</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Completion %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Videos Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the evaluation printed no per-route results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2 routes (%3): mean score %4 ± %5 (standard error) over %6 runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed-loop evaluation — %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainForm</name>
    <message>
        <source>Defaults (GABRIL CARLA, no regulariser)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace every option with a preset of autofocus train (docs/training.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run-&lt;UTC time&gt; when empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All frames (curation exclusions honoured)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flagged frames only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unflagged frames only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seeded by episode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HDF5 mask/train and mask/valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frames</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saliency regulariser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VLM key objects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gaze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>default (10)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regulariser weight; empty or negative = the regulariser&apos;s default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of frames the regulariser sees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regulariser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lambda</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model input height x width in pixels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frame stack</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optimisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>library default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>epochs only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A training-curve point every N steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metrics every (steps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a whole number &gt;= 0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved filter: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainProbe</name>
    <message>
        <source>no project or no autofocus program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the probe ended with exit code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the probe printed no timing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainProcess</name>
    <message>
        <source>a training run is already going</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write a temporary config file: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the autofocus command-line program was not found next to the studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped before the first checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the training process crashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the training process crashed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped by a signal from outside the studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exit code %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainRunsModel</name>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regulariser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lambda</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Best val. BC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not evaluated: Evaluate in the sample world writes RUN/evaluations/*.json</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fraction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed-loop score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>autofocus::TrainRunsPanel</name>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue the selected run from its last checkpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Curves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter runs (any column)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the selected runs&apos; recorded metrics in the Train dock (several are overlaid)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare Config</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the options that differ between the two selected runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename Run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename the selected run&apos;s folder (not while it trains)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit Notes...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes of the selected run (runs/NAME/notes.md)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Run...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move the selected runs to the project&apos;s trash folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Policy...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the selected run&apos;s policy.pt and policy.json to a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluate in the Sample World</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run autofocus evaluate-policy on the selected run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare Attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs the attention view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename Run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New name of %1:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes of %1 (Markdown):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Policy To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot %1 run %2 while it trains; stop it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the attention compare view with the selected runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot rename run %1 to %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a run with that name exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename run %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move %1 to the project&apos;s trash folder (trash/runs)? Undo brings them back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete %1 runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moved to trash/runs: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit the notes of run %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot compare %1 and %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Config of %1 and %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Option</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two runs have the same options.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n option(s) differ.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot export the policy of %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy of %1 exported to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An evaluation of %1 is going; wait for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot evaluate %1: the autofocus program was not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation of %1 failed (exit code %2): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation of %1 finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation of %1 finished: mean score %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation of %1 could not start: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluating %1 in the sample world</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel Evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling the evaluation of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluating %1: %p%</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>AutoFocus Studio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the version, git revision and library versions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Project directory to open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write screenshots to DIR and exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Episode to show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window size WxH (screenshots)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frame to show (auto: one where the overlays show something)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
