<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Colormap</name>
    <message>
        <source>Viridis</source>
        <translation>Viridis</translation>
    </message>
    <message>
        <source>Inferno</source>
        <translation>Inferno</translation>
    </message>
    <message>
        <source>Magma</source>
        <translation>Magma</translation>
    </message>
    <message>
        <source>Plasma</source>
        <translation>Plasma</translation>
    </message>
    <message>
        <source>Turbo</source>
        <translation>Turbo</translation>
    </message>
    <message>
        <source>Cool-warm (diverging)</source>
        <translation>冷暖（发散）</translation>
    </message>
    <message>
        <source>Red-blue (diverging)</source>
        <translation>红蓝（发散）</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>All messages</source>
        <translation>所有消息</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Filter by episode or message</source>
        <translation>按片段或消息筛选</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Bake Curation into key_objects.json</source>
        <translation>将校订写入 key_objects.json(&amp;B)</translation>
    </message>
    <message>
        <source>Write the curated key objects with their provenance into each edited episode</source>
        <translation>将校订后的关键对象及其来源写入每个已编辑的片段</translation>
    </message>
    <message numerus="yes">
        <source>Baked %n episode(s)</source>
        <translation>
            <numerusform>已写入 %n 个片段</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;original annotations&gt;</source>
        <translation>&lt;原始标注&gt;</translation>
    </message>
    <message>
        <source>Objects</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>&amp;Run Pipeline</source>
        <translation>运行流水线(&amp;R)</translation>
    </message>
    <message>
        <source>Run the annotation pipeline on the episodes checked in the Runs panel</source>
        <translation>在“运行”面板勾选的片段上运行标注流水线</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message numerus="yes">
        <source>%n frame(s) with failed detection (recorded empty; red ticks on the timeline); first: frame %1: %2</source>
        <translation>
            <numerusform>%n 帧检测失败（记录为空；时间轴上的红色刻度）；第一个：第 %1 帧：%2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sub-sequence(s) undecided: the VLM gave no usable answer, every candidate is kept for review (red on the timeline)</source>
        <translation>
            <numerusform>%n 个子序列未决定：VLM 没有给出可用的回答，保留所有候选对象以供审查（时间轴上为红色）</numerusform>
        </translation>
    </message>
    <message>
        <source>Export (%1)</source>
        <translation>导出（%1）</translation>
    </message>
    <message>
        <source>Exported %1 episode(s), %2 frame(s) as %3 to %4 in %5 s; %6 files, read back and checked</source>
        <translation>已将 %1 个片段、%2 帧导出为 %3 到 %4，用时 %5 秒；%6 个文件，已回读并检查</translation>
    </message>
    <message>
        <source>; left out by curation: %1 episode(s), %2 frame(s)</source>
        <translation>；因整理而排除：%1 个片段、%2 帧</translation>
    </message>
    <message>
        <source>Export of %1 cancelled: nothing was written</source>
        <translation>%1 的导出已取消：未写入任何内容</translation>
    </message>
    <message>
        <source>Export of %1 failed: %2</source>
        <translation>%1 的导出失败：%2</translation>
    </message>
    <message>
        <source>&amp;Export...</source>
        <translation>导出(&amp;E)...</translation>
    </message>
    <message>
        <source>Export the project (or its curated part) for other trainers and annotation tools</source>
        <translation>导出项目（或其整理后的部分），供其他训练程序和标注工具使用</translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation>请先打开项目</translation>
    </message>
    <message>
        <source>Export: %1</source>
        <translation>导出：%1</translation>
    </message>
    <message>
        <source>Another job is running</source>
        <translation>另一个任务正在运行</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Training Runs</source>
        <translation>训练记录</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Cannot open the episode: %1 (`autofocus validate --repair` lists what can be done)</source>
        <translation>无法打开该片段：%1（`autofocus validate --repair` 会列出可以执行的修复）</translation>
    </message>
</context>
<context>
    <name>TrainRunFiles</name>
    <message>
        <source>cannot read %1</source>
        <translation>无法读取 %1</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>a run needs a name</source>
        <translation>训练需要一个名称</translation>
    </message>
    <message>
        <source>no run %1</source>
        <translation>没有训练 %1</translation>
    </message>
    <message>
        <source>a run %1 exists</source>
        <translation>训练 %1 已存在</translation>
    </message>
    <message>
        <source>the run is going; stop it first</source>
        <translation>该训练正在进行，请先停止</translation>
    </message>
    <message>
        <source>cannot remove %1</source>
        <translation>无法删除 %1</translation>
    </message>
    <message>
        <source>no folder %1</source>
        <translation>没有文件夹 %1</translation>
    </message>
    <message>
        <source>the run has no %1 (it has not completed)</source>
        <translation>该训练没有 %1（尚未完成）</translation>
    </message>
</context>
<context>
    <name>autofocus::CompareData</name>
    <message>
        <source>saliency target</source>
        <translation>显著性目标</translation>
    </message>
    <message>
        <source>gaze</source>
        <translation>注视</translation>
    </message>
    <message>
        <source>ground truth</source>
        <translation>真值</translation>
    </message>
    <message>
        <source>no episode open</source>
        <translation>未打开片段</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>计算中…</translation>
    </message>
    <message>
        <source>cached</source>
        <translation>已缓存</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>failed: the autofocus command-line program was not found</source>
        <translation>失败：未找到 autofocus 命令行程序</translation>
    </message>
</context>
<context>
    <name>autofocus::ComparePane</name>
    <message>
        <source>%1 − %2 (red: more on %1, blue: more on %2)</source>
        <translation>%1 − %2（红色：%1 更多，蓝色：%2 更多）</translation>
    </message>
</context>
<context>
    <name>autofocus::CompareView</name>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Swipe</source>
        <translation>滑动对比</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>One hue each</source>
        <translation>每个一种色调</translation>
    </message>
    <message>
        <source>vs saliency target</source>
        <translation>对比显著性目标</translation>
    </message>
    <message>
        <source>vs gaze</source>
        <translation>对比注视</translation>
    </message>
    <message>
        <source>vs ground truth</source>
        <translation>对比真值</translation>
    </message>
    <message>
        <source>CC</source>
        <translation>CC</translation>
    </message>
    <message>
        <source>SIM</source>
        <translation>SIM</translation>
    </message>
    <message>
        <source>KL</source>
        <translation>KL</translation>
    </message>
    <message>
        <source>A/B</source>
        <translation>A/B</translation>
    </message>
    <message>
        <source>Swap A and B (X)</source>
        <translation>交换 A 与 B（X）</translation>
    </message>
    <message>
        <source>Largest disagreement</source>
        <translation>最大分歧</translation>
    </message>
    <message>
        <source>Jump to the frame where A and B disagree most</source>
        <translation>跳到 A 与 B 分歧最大的帧</translation>
    </message>
    <message>
        <source>◀ Peak</source>
        <translation>◀ 峰值</translation>
    </message>
    <message>
        <source>Previous local maximum of the disagreement</source>
        <translation>分歧的上一个局部最大值</translation>
    </message>
    <message>
        <source>Peak ▶</source>
        <translation>峰值 ▶</translation>
    </message>
    <message>
        <source>Next local maximum of the disagreement</source>
        <translation>分歧的下一个局部最大值</translation>
    </message>
    <message>
        <source>Export strip…</source>
        <translation>导出条带…</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>frame %1</source>
        <translation>第 %1 帧</translation>
    </message>
    <message>
        <source>Export compare strip</source>
        <translation>导出对比条带</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Could not write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n source(s) not ready (attention is computed in the background)</source>
        <translation>
            <numerusform>%n 个来源尚未就绪（注意力在后台计算）</numerusform>
        </translation>
    </message>
    <message>
        <source>disagreement A/B (1 − CC)</source>
        <translation>A/B 分歧（1 − CC）</translation>
    </message>
    <message>
        <source>The selected timeline range (else the episode) as a PNG grid: rows = sources, columns = frames</source>
        <translation>所选时间轴范围（否则整个片段）导出为 PNG 网格：行 = 来源，列 = 帧</translation>
    </message>
    <message>
        <source>vs policy A</source>
        <translation>对比策略 A</translation>
    </message>
</context>
<context>
    <name>autofocus::CurationController</name>
    <message>
        <source>Cannot open the curation journal: %1</source>
        <translation>无法打开校订日志：%1</translation>
    </message>
    <message numerus="yes">
        <source>Restored %n curation edit(s) from the journal</source>
        <translation>
            <numerusform>已从日志恢复 %n 项校订</numerusform>
        </translation>
    </message>
    <message>
        <source>Baked the curation into key_objects.json</source>
        <translation>已将校订写入 key_objects.json</translation>
    </message>
</context>
<context>
    <name>autofocus::CurationObjectModel</name>
    <message>
        <source>key</source>
        <translation>关键</translation>
    </message>
    <message>
        <source>pruned</source>
        <translation>已剪除</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>person</source>
        <translation>人工</translation>
    </message>
    <message>
        <source>not in this frame</source>
        <translation>不在本帧中</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>关键</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Decided by</source>
        <translation>决定者</translation>
    </message>
    <message>
        <source>Box (this frame)</source>
        <translation>边框（本帧）</translation>
    </message>
</context>
<context>
    <name>autofocus::CurationPanel</name>
    <message>
        <source>Toggle Key</source>
        <translation>切换关键</translation>
    </message>
    <message>
        <source>Make the selected objects key / pruned for this sub-sequence</source>
        <translation>将所选对象设为本子序列的关键 / 剪除对象</translation>
    </message>
    <message>
        <source>Delete Box</source>
        <translation>删除边框</translation>
    </message>
    <message>
        <source>Delete the selected object&apos;s box in this frame</source>
        <translation>删除所选对象在本帧中的边框</translation>
    </message>
    <message>
        <source>Merge Tracks</source>
        <translation>合并轨迹</translation>
    </message>
    <message>
        <source>Merge the second selected track into the first</source>
        <translation>将所选第二条轨迹合并到第一条</translation>
    </message>
    <message>
        <source>Split Track</source>
        <translation>拆分轨迹</translation>
    </message>
    <message>
        <source>Split the selected track at the current frame</source>
        <translation>在当前帧拆分所选轨迹</translation>
    </message>
    <message>
        <source>Exclude Frame</source>
        <translation>排除帧</translation>
    </message>
    <message>
        <source>Exclude / include the current frame</source>
        <translation>排除 / 包含当前帧</translation>
    </message>
    <message>
        <source>Exclude Episode</source>
        <translation>排除片段</translation>
    </message>
    <message>
        <source>Exclude / include the whole episode</source>
        <translation>排除 / 包含整个片段</translation>
    </message>
    <message>
        <source>Flag Frame</source>
        <translation>标记帧</translation>
    </message>
    <message>
        <source>Flag / unflag the current frame with the note</source>
        <translation>使用备注标记 / 取消标记当前帧</translation>
    </message>
    <message>
        <source>Note for a flagged frame</source>
        <translation>标记帧的备注</translation>
    </message>
    <message>
        <source>Open an episode to curate it.</source>
        <translation>打开一个片段以进行校订。</translation>
    </message>
    <message>
        <source>Sub-sequence %1–%2 (decided by %3)</source>
        <translation>子序列 %1–%2（决定者：%3）</translation>
    </message>
    <message>
        <source>person</source>
        <translation>人工</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>No sub-sequence at this frame</source>
        <translation>此帧没有子序列</translation>
    </message>
    <message>
        <source> · frame excluded</source>
        <translation> · 帧已排除</translation>
    </message>
    <message>
        <source> · flagged: %1</source>
        <translation> · 已标记：%1</translation>
    </message>
    <message>
        <source> · episode excluded</source>
        <translation> · 片段已排除</translation>
    </message>
    <message>
        <source>Select exactly two tracks to merge</source>
        <translation>请恰好选择两条轨迹进行合并</translation>
    </message>
    <message>
        <source>Select one track to split</source>
        <translation>请选择一条轨迹进行拆分</translation>
    </message>
</context>
<context>
    <name>autofocus::EpisodeTableModel</name>
    <message>
        <source>flagged</source>
        <translation>已标记</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n sub-sequence(s) failed</source>
        <translation>
            <numerusform>%n 个子序列失败</numerusform>
        </translation>
    </message>
    <message>
        <source>Global context + vocabulary (context.json)</source>
        <translation>全局上下文 + 词表（context.json）</translation>
    </message>
    <message>
        <source>Detection on every frame (detections.json)</source>
        <translation>逐帧检测（detections.json）</translation>
    </message>
    <message>
        <source>Tracking and sub-sequences (tracks.json)</source>
        <translation>跟踪与子序列（tracks.json）</translation>
    </message>
    <message>
        <source>VLM key objects (key_objects.json)</source>
        <translation>VLM 关键对象（key_objects.json）</translation>
    </message>
    <message>
        <source>Saliency parameters and coverage (saliency.json)</source>
        <translation>显著性参数与覆盖率（saliency.json）</translation>
    </message>
    <message>
        <source>Distinct key objects over all sub-sequences</source>
        <translation>所有子序列中不同的关键对象数</translation>
    </message>
    <message>
        <source>Episode</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>帧数</translation>
    </message>
    <message>
        <source>Ctx</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Det</source>
        <translation>检测</translation>
    </message>
    <message>
        <source>Trk</source>
        <translation>跟踪</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>关键</translation>
    </message>
    <message>
        <source>Sal</source>
        <translation>显著</translation>
    </message>
    <message>
        <source>Failures</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Sub-seq.</source>
        <translation>子序列</translation>
    </message>
    <message>
        <source>Key obj.</source>
        <translation>关键对象</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>复核</translation>
    </message>
    <message>
        <source>Damaged: %1</source>
        <translation>已损坏：%1</translation>
    </message>
</context>
<context>
    <name>autofocus::ExportDialog</name>
    <message>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <source>robomimic HDF5 (robomimic, LIBERO, MimicGen, AutoFocus-IL)</source>
        <translation>robomimic HDF5（robomimic、LIBERO、MimicGen、AutoFocus-IL）</translation>
    </message>
    <message>
        <source>Folders (frames, actions.csv, saliency PNG; re-importable)</source>
        <translation>文件夹（帧、actions.csv、显著性 PNG；可重新导入）</translation>
    </message>
    <message>
        <source>COCO detection JSON (CVAT, FiftyOne, X-AnyLabeling)</source>
        <translation>COCO 检测 JSON（CVAT、FiftyOne、X-AnyLabeling）</translation>
    </message>
    <message>
        <source>MOTChallenge (CVAT, X-AnyLabeling)</source>
        <translation>MOTChallenge（CVAT、X-AnyLabeling）</translation>
    </message>
    <message>
        <source>CVAT for video 1.1 XML</source>
        <translation>CVAT 视频 1.1 XML</translation>
    </message>
    <message>
        <source>YOLO (labels + data.yaml)</source>
        <translation>YOLO（标签 + data.yaml）</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>All episodes, as annotated</source>
        <translation>所有片段，按标注原样</translation>
    </message>
    <message>
        <source>Curated: exclusions and edits applied</source>
        <translation>已整理：应用排除和编辑</translation>
    </message>
    <message>
        <source>Current episode (%1), curated</source>
        <translation>当前片段（%1），已整理</translation>
    </message>
    <message>
        <source>Episodes</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Saliency maps</source>
        <translation>显著性图</translation>
    </message>
    <message>
        <source>Key-object points only</source>
        <translation>仅关键对象点</translation>
    </message>
    <message>
        <source>No saliency</source>
        <translation>无显著性</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>Split seed</source>
        <translation>划分种子</translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>gzip (readable by any HDF5)</source>
        <translation>gzip（任何 HDF5 均可读取）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Compression</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目标位置</translation>
    </message>
    <message>
        <source>Replace an existing destination</source>
        <translation>替换已有的目标位置</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>HDF5 (*.hdf5 *.h5)</source>
        <translation>HDF5 (*.hdf5 *.h5)</translation>
    </message>
    <message>
        <source>Export to folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>LeRobot v3.0 dataset (Parquet tables + MP4 videos)</source>
        <translation>LeRobot v3.0 数据集（Parquet 表 + MP4 视频）</translation>
    </message>
    <message>
        <source>snappy (LeRobot Parquet only)</source>
        <translation>snappy（仅限 LeRobot Parquet）</translation>
    </message>
    <message>
        <source>zstd (LeRobot Parquet only)</source>
        <translation>zstd（仅限 LeRobot Parquet）</translation>
    </message>
    <message>
        <source>H.264 (libx264)</source>
        <translation>H.264（libx264）</translation>
    </message>
    <message>
        <source>AV1 (SVT-AV1, LeRobot&apos;s default)</source>
        <translation>AV1（SVT-AV1，LeRobot 默认）</translation>
    </message>
    <message>
        <source>LeRobot video codec</source>
        <translation>LeRobot 视频编码</translation>
    </message>
</context>
<context>
    <name>autofocus::FrameCanvas</name>
    <message>
        <source>Open a project and choose an episode</source>
        <translation>打开项目并选择一个片段</translation>
    </message>
    <message>
        <source>Frame %1 could not be read</source>
        <translation>无法读取第 %1 帧</translation>
    </message>
    <message>
        <source>No ground truth in this project</source>
        <translation>此项目没有真值</translation>
    </message>
    <message>
        <source>No gaze recorded for this episode</source>
        <translation>此片段没有注视记录</translation>
    </message>
    <message>
        <source>x %1  y %2</source>
        <translation>x %1  y %2</translation>
    </message>
    <message>
        <source>   saliency %1</source>
        <translation>   显著性 %1</translation>
    </message>
    <message>
        <source>   %1 #%2</source>
        <translation>   %1 #%2</translation>
    </message>
</context>
<context>
    <name>autofocus::FrameView</name>
    <message>
        <source>No overlay</source>
        <translation>无叠加</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>Ground truth</source>
        <translation>真值</translation>
    </message>
    <message>
        <source>Gaze</source>
        <translation>注视</translation>
    </message>
    <message>
        <source>Overlay of the left pane</source>
        <translation>左侧窗格的叠加层</translation>
    </message>
    <message>
        <source>Overlay of the right pane (compare mode)</source>
        <translation>右侧窗格的叠加层（对比模式）</translation>
    </message>
    <message>
        <source>Heatmap colormap</source>
        <translation>热力图配色</translation>
    </message>
    <message>
        <source>Heatmap opacity</source>
        <translation>热力图不透明度</translation>
    </message>
    <message>
        <source>Saliency below this value is transparent</source>
        <translation>低于此值的显著性显示为透明</translation>
    </message>
    <message>
        <source>All boxes</source>
        <translation>全部边框</translation>
    </message>
    <message>
        <source>Key objects</source>
        <translation>关键对象</translation>
    </message>
    <message>
        <source>No boxes</source>
        <translation>不显示边框</translation>
    </message>
    <message>
        <source>Boxes drawn: all tracked objects (pruned ones dashed), key objects only, or none</source>
        <translation>绘制的边框：所有跟踪对象（剪除的为虚线）、仅关键对象或不绘制</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Two panes of the same frame with locked zoom</source>
        <translation>同一帧的两个窗格，缩放同步锁定</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <source>Fit the frame to the window (double-click the frame)</source>
        <translation>使画面适应窗口（双击画面）</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Saliency 0 .. 1</source>
        <translation>显著性 0 .. 1</translation>
    </message>
    <message>
        <source>%1  frame %2 / %3</source>
        <translation>%1  第 %2 / %3 帧</translation>
    </message>
</context>
<context>
    <name>autofocus::InspectorView</name>
    <message>
        <source>The first query or one of its missing-category re-runs</source>
        <translation>首次查询或其某次缺失类别重跑</translation>
    </message>
    <message>
        <source>First query</source>
        <translation>首次查询</translation>
    </message>
    <message>
        <source>Re-run %1</source>
        <translation>重跑 %1</translation>
    </message>
    <message>
        <source>No sub-sequence at this frame</source>
        <translation>此帧没有子序列</translation>
    </message>
    <message>
        <source>No episode</source>
        <translation>无片段</translation>
    </message>
    <message>
        <source>Sub-sequence %1 / %2   frames %3-%4   %5   decided by %6</source>
        <translation>子序列 %1 / %2   第 %3-%4 帧   %5   决定者：%6</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>a person</source>
        <translation>人工</translation>
    </message>
    <message>
        <source>the model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>(frame %1 not readable)</source>
        <translation>（第 %1 帧无法读取）</translation>
    </message>
    <message>
        <source>Key objects</source>
        <translation>关键对象</translation>
    </message>
    <message>
        <source>No key object (every object pruned).</source>
        <translation>无关键对象（所有对象均被剪除）。</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>rationale</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>added by a person</source>
        <translation>由人工添加</translation>
    </message>
    <message>
        <source>pruned</source>
        <translation>已剪除</translation>
    </message>
    <message>
        <source>decided by</source>
        <translation>决定者</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:#f0be3c&apos;&gt;person&lt;/b&gt;</source>
        <translation>&lt;b style=&apos;color:#f0be3c&apos;&gt;人工&lt;/b&gt;</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>expert action</source>
        <translation>专家动作</translation>
    </message>
    <message>
        <source>action description</source>
        <translation>动作描述</translation>
    </message>
    <message>
        <source>missing categories</source>
        <translation>缺失类别</translation>
    </message>
    <message>
        <source>vocabulary added</source>
        <translation>新增词表</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Missing-category re-runs</source>
        <translation>缺失类别重跑</translation>
    </message>
    <message>
        <source>recovered</source>
        <translation>已找回</translation>
    </message>
    <message>
        <source>detections</source>
        <translation>检测结果</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>backend / model</source>
        <translation>后端 / 模型</translation>
    </message>
    <message>
        <source>template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>%1 prompt + %2 completion</source>
        <translation>提示 %1 + 生成 %2</translation>
    </message>
    <message>
        <source>retries / repairs</source>
        <translation>重试 / 修复</translation>
    </message>
    <message>
        <source>from cache</source>
        <translation>来自缓存</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>cache key</source>
        <translation>缓存键</translation>
    </message>
    <message>
        <source> (not in the exchange file)</source>
        <translation>（不在交换记录文件中）</translation>
    </message>
    <message>
        <source>warnings</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Prompt sent</source>
        <translation>已发送的提示</translation>
    </message>
    <message>
        <source>Raw answer</source>
        <translation>原始回答</translation>
    </message>
    <message>
        <source>Parsed answer</source>
        <translation>解析后的回答</translation>
    </message>
    <message>
        <source>raw</source>
        <translation>原始数据</translation>
    </message>
</context>
<context>
    <name>autofocus::LogModel</name>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Episode</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>autofocus::MainWindow</name>
    <message>
        <source>AutoFocus Studio</source>
        <translation>AutoFocus Studio</translation>
    </message>
    <message>
        <source>No project open. Use File &gt; Open Project.</source>
        <translation>未打开项目。请使用 文件 &gt; 打开项目。</translation>
    </message>
    <message>
        <source>Filter episodes</source>
        <translation>筛选片段</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>已标记</translation>
    </message>
    <message>
        <source>Not annotated</source>
        <translation>未标注</translation>
    </message>
    <message>
        <source>Annotated</source>
        <translation>已标注</translation>
    </message>
    <message>
        <source>Episodes</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Project...</source>
        <translation>打开项目(&amp;O)...</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>New &amp;Sample Project...</source>
        <translation>新建示例项目(&amp;S)...</translation>
    </message>
    <message>
        <source>Import &amp;Folder...</source>
        <translation>导入文件夹(&amp;F)...</translation>
    </message>
    <message>
        <source>Import &amp;HDF5...</source>
        <translation>导入 HDF5(&amp;H)...</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Compare Overlays</source>
        <translation>对比叠加层(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Fit Frame</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <source>Next Episode</source>
        <translation>下一个片段</translation>
    </message>
    <message>
        <source>Previous Episode</source>
        <translation>上一个片段</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About AutoFocus Studio</source>
        <translation>关于 AutoFocus Studio(&amp;A)</translation>
    </message>
    <message>
        <source>About AutoFocus Studio</source>
        <translation>关于 AutoFocus Studio</translation>
    </message>
    <message>
        <source>AutoFocus Studio: VLM-guided saliency annotation for imitation learning</source>
        <translation>AutoFocus Studio：面向模仿学习的 VLM 引导显著性标注</translation>
    </message>
    <message>
        <source>Cannot open project: %1</source>
        <translation>无法打开项目：%1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; &amp;nbsp; %2 episodes, %3 frames, %4 x %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; &amp;nbsp; %2 个片段，%3 帧，%4 x %5</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>已打开 %1</translation>
    </message>
    <message>
        <source>Cannot open episode %1: %2</source>
        <translation>无法打开片段 %1：%2</translation>
    </message>
    <message>
        <source>%1 - AutoFocus Studio</source>
        <translation>%1 - AutoFocus Studio</translation>
    </message>
    <message>
        <source>%1 / %2 - AutoFocus Studio</source>
        <translation>%1 / %2 - AutoFocus Studio</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <source>Another job is running: %1</source>
        <translation>另一个任务正在运行：%1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source> (%1 s left)</source>
        <translation>（剩余 %1 秒）</translation>
    </message>
    <message>
        <source>%1: cancelled</source>
        <translation>%1：已取消</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <source>New Sample Project</source>
        <translation>新建示例项目</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <source>Generates the built-in sample world and annotates it with the scene oracle
(ground truth standing in for the VLM and the detector).</source>
        <translation>生成内置示例世界，并用场景预言机标注
（以真值代替 VLM 和检测器）。</translation>
    </message>
    <message>
        <source>Folder (new)</source>
        <translation>文件夹（新建）</translation>
    </message>
    <message>
        <source>Frames per episode</source>
        <translation>每个片段的帧数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>%1 already exists; choose a new folder</source>
        <translation>%1 已存在，请选择一个新文件夹</translation>
    </message>
    <message>
        <source>New sample project</source>
        <translation>新建示例项目</translation>
    </message>
    <message>
        <source>Dataset Folder (one sub-folder per episode)</source>
        <translation>数据集文件夹（每个片段一个子文件夹）</translation>
    </message>
    <message>
        <source>New Project Folder</source>
        <translation>新项目文件夹</translation>
    </message>
    <message>
        <source>Import folder</source>
        <translation>导入文件夹</translation>
    </message>
    <message>
        <source>HDF5 Dataset</source>
        <translation>HDF5 数据集</translation>
    </message>
    <message>
        <source>HDF5 (*.hdf5 *.h5);;All files (*)</source>
        <translation>HDF5 (*.hdf5 *.h5);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import HDF5</source>
        <translation>导入 HDF5</translation>
    </message>
</context>
<context>
    <name>autofocus::PlaybackController</name>
    <message>
        <source>Play / Pause</source>
        <translation>播放 / 暂停</translation>
    </message>
    <message>
        <source>Start or stop playback</source>
        <translation>开始或停止播放</translation>
    </message>
    <message>
        <source>Next Frame</source>
        <translation>下一帧</translation>
    </message>
    <message>
        <source>One frame forward</source>
        <translation>前进一帧</translation>
    </message>
    <message>
        <source>Previous Frame</source>
        <translation>上一帧</translation>
    </message>
    <message>
        <source>One frame back</source>
        <translation>后退一帧</translation>
    </message>
    <message>
        <source>10 Frames Forward</source>
        <translation>前进 10 帧</translation>
    </message>
    <message>
        <source>10 Frames Back</source>
        <translation>后退 10 帧</translation>
    </message>
    <message>
        <source>First Frame</source>
        <translation>第一帧</translation>
    </message>
    <message>
        <source>Last Frame</source>
        <translation>最后一帧</translation>
    </message>
    <message>
        <source>Next Sub-sequence</source>
        <translation>下一个子序列</translation>
    </message>
    <message>
        <source>Jump to the next sub-sequence</source>
        <translation>跳到下一个子序列</translation>
    </message>
    <message>
        <source>Previous Sub-sequence</source>
        <translation>上一个子序列</translation>
    </message>
    <message>
        <source>Jump to the start of this or the previous sub-sequence</source>
        <translation>跳到本子序列或上一个子序列的开头</translation>
    </message>
    <message>
        <source>Next Flagged Frame</source>
        <translation>下一个标记帧</translation>
    </message>
    <message>
        <source>Jump to the next frame flagged for review</source>
        <translation>跳到下一个待复核的标记帧</translation>
    </message>
    <message>
        <source>Loop Range</source>
        <translation>循环区间</translation>
    </message>
    <message>
        <source>Repeat the loop range while playing</source>
        <translation>播放时重复循环区间</translation>
    </message>
    <message>
        <source>Set Loop Start</source>
        <translation>设置循环起点</translation>
    </message>
    <message>
        <source>Loop from the current frame</source>
        <translation>从当前帧开始循环</translation>
    </message>
    <message>
        <source>Set Loop End</source>
        <translation>设置循环终点</translation>
    </message>
    <message>
        <source>Loop up to the current frame</source>
        <translation>循环到当前帧</translation>
    </message>
    <message>
        <source>Faster</source>
        <translation>加速</translation>
    </message>
    <message>
        <source>Double the playback speed</source>
        <translation>播放速度加倍</translation>
    </message>
    <message>
        <source>Slower</source>
        <translation>减速</translation>
    </message>
    <message>
        <source>Halve the playback speed</source>
        <translation>播放速度减半</translation>
    </message>
</context>
<context>
    <name>autofocus::PoliciesModel</name>
    <message>
        <source>No policy.pt yet: the run has not finished</source>
        <translation>尚无 policy.pt：运行尚未完成</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Regulariser</source>
        <translation>正则项</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Best val BC</source>
        <translation>最佳验证 BC</translation>
    </message>
    <message>
        <source>Closed loop</source>
        <translation>闭环</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
</context>
<context>
    <name>autofocus::PoliciesPanel</name>
    <message>
        <source>Compare…</source>
        <translation>对比…</translation>
    </message>
    <message>
        <source>Open the attention compare view on the checked policies</source>
        <translation>在勾选的策略上打开注意力对比视图</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Compare attention</source>
        <translation>对比注意力</translation>
    </message>
</context>
<context>
    <name>autofocus::RunsPanel</name>
    <message>
        <source>Episodes (none checked = all)</source>
        <translation>片段（不勾选即全部）</translation>
    </message>
    <message>
        <source>Check All</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Check None</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>Current Only</source>
        <translation>仅当前</translation>
    </message>
    <message>
        <source>Backends</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>Scene oracle (sample world)</source>
        <translation>场景预言机（示例世界）</translation>
    </message>
    <message>
        <source>OpenAI-compatible server</source>
        <translation>OpenAI 兼容服务器</translation>
    </message>
    <message>
        <source>name of the variable, e.g. OPENAI_API_KEY</source>
        <translation>变量名，例如 OPENAI_API_KEY</translation>
    </message>
    <message>
        <source>The API key itself is never stored: only the name of the environment variable that holds it.</source>
        <translation>不会保存 API 密钥本身，只保存存放密钥的环境变量名。</translation>
    </message>
    <message>
        <source>VLM</source>
        <translation>VLM</translation>
    </message>
    <message>
        <source>Endpoint URL</source>
        <translation>服务端点 URL</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>API key variable</source>
        <translation>API 密钥变量</translation>
    </message>
    <message>
        <source>Detector</source>
        <translation>检测器</translation>
    </message>
    <message>
        <source>Detector URL</source>
        <translation>检测器 URL</translation>
    </message>
    <message>
        <source>Detector model</source>
        <translation>检测器模型</translation>
    </message>
    <message>
        <source>Check Connection</source>
        <translation>检查连接</translation>
    </message>
    <message>
        <source>Run Pipeline</source>
        <translation>运行流水线</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Cancelling...</source>
        <translation>正在取消...</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source> — ETA %1 s</source>
        <translation> — 预计剩余 %1 秒</translation>
    </message>
    <message>
        <source>Open a project before starting a run.</source>
        <translation>开始运行前请先打开项目。</translation>
    </message>
    <message>
        <source>A job is already running; cancel it first.</source>
        <translation>已有任务在运行，请先取消。</translation>
    </message>
    <message>
        <source>Pipeline run</source>
        <translation>流水线运行</translation>
    </message>
    <message numerus="yes">
        <source>Pipeline run started on %n episode(s)</source>
        <translation>
            <numerusform>流水线已在 %n 个片段上开始运行</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled; finished stages are kept.</source>
        <translation>已取消；已完成的阶段会保留。</translation>
    </message>
    <message>
        <source>Pipeline run cancelled (finished stages are on disk; a new run resumes)</source>
        <translation>流水线运行已取消（已完成的阶段已保存；再次运行会继续）</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Pipeline run failed: %1</source>
        <translation>流水线运行失败：%1</translation>
    </message>
    <message>
        <source>Finished (ran %1; up to date %2)</source>
        <translation>完成（已运行 %1；已是最新 %2）</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Stage %1 failed: %2</source>
        <translation>阶段 %1 失败：%2</translation>
    </message>
    <message>
        <source>Done in %1 s: %2 episode(s), %3 failed</source>
        <translation>用时 %1 秒完成：%2 个片段，%3 个失败</translation>
    </message>
    <message>
        <source>Nothing to check: %1</source>
        <translation>没有可检查的内容：%1</translation>
    </message>
    <message>
        <source>Connection check</source>
        <translation>连接检查</translation>
    </message>
    <message>
        <source>Connection check failed: %1</source>
        <translation>连接检查失败：%1</translation>
    </message>
    <message>
        <source>Connection OK</source>
        <translation>连接正常</translation>
    </message>
    <message numerus="yes">
        <source>Connection check: %n problem(s), see the log</source>
        <translation>
            <numerusform>连接检查：%n 个问题，请查看日志</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking the connection...</source>
        <translation>正在检查连接...</translation>
    </message>
</context>
<context>
    <name>autofocus::SaliencyPanel</name>
    <message>
        <source>Eq. 1 parameters</source>
        <translation>公式 1 参数</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>sigma0 = 0.094 x image width (30 px at 320)</source>
        <translation>sigma0 = 0.094 x 图像宽度（320 宽时为 30 像素）</translation>
    </message>
    <message>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <source>sigma0</source>
        <translation>sigma0</translation>
    </message>
    <message>
        <source>geometric  (sigma0 / beta^k)</source>
        <translation>几何  (sigma0 / beta^k)</translation>
    </message>
    <message>
        <source>linear  (sigma0 + k delta)</source>
        <translation>线性  (sigma0 + k delta)</translation>
    </message>
    <message>
        <source>growth</source>
        <translation>增长</translation>
    </message>
    <message>
        <source>beta</source>
        <translation>beta</translation>
    </message>
    <message>
        <source>delta = 0.25 x sigma0</source>
        <translation>delta = 0.25 x sigma0</translation>
    </message>
    <message>
        <source>delta</source>
        <translation>delta</translation>
    </message>
    <message>
        <source>decay</source>
        <translation>衰减</translation>
    </message>
    <message>
        <source>temporal</source>
        <translation>时序</translation>
    </message>
    <message>
        <source>Off = window 1 (the non-temporal ablation)</source>
        <translation>关闭 = 窗口 1（非时序消融）</translation>
    </message>
    <message>
        <source> frames</source>
        <translation> 帧</translation>
    </message>
    <message>
        <source>window K</source>
        <translation>窗口 K</translation>
    </message>
    <message>
        <source>isotropic (paper)</source>
        <translation>各向同性（论文）</translation>
    </message>
    <message>
        <source>box-shaped</source>
        <translation>方框形</translation>
    </message>
    <message>
        <source>kernel</source>
        <translation>核</translation>
    </message>
    <message>
        <source>Surrounding frames</source>
        <translation>相邻帧</translation>
    </message>
    <message>
        <source>Apply to Project</source>
        <translation>应用到项目</translation>
    </message>
    <message>
        <source>Re-render every episode with these parameters and save them in project.json</source>
        <translation>用这些参数重新渲染所有片段并保存到 project.json</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Paper Defaults</source>
        <translation>论文默认值</translation>
    </message>
    <message>
        <source>Invalid: %1</source>
        <translation>无效：%1</translation>
    </message>
    <message>
        <source>Current frame re-rendered in %1 ms</source>
        <translation>当前帧重新渲染耗时 %1 毫秒</translation>
    </message>
    <message>
        <source>Apply saliency</source>
        <translation>应用显著性</translation>
    </message>
    <message>
        <source>Starting...</source>
        <translation>正在启动...</translation>
    </message>
    <message>
        <source>%1  %p%  (%2 s left)</source>
        <translation>%1  %p%  （剩余 %2 秒）</translation>
    </message>
    <message>
        <source>%1  %p%</source>
        <translation>%1  %p%</translation>
    </message>
    <message>
        <source>Saliency parameters applied to every episode and saved in project.json</source>
        <translation>显著性参数已应用到所有片段并保存到 project.json</translation>
    </message>
    <message>
        <source>Apply to project cancelled</source>
        <translation>应用到项目已取消</translation>
    </message>
    <message>
        <source>Apply to project failed: %1</source>
        <translation>应用到项目失败：%1</translation>
    </message>
</context>
<context>
    <name>autofocus::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>autofocus::StudioDocument</name>
    <message>
        <source>No project is open</source>
        <translation>未打开项目</translation>
    </message>
</context>
<context>
    <name>autofocus::TimelineLanes</name>
    <message>
        <source>No episode</source>
        <translation>无片段</translation>
    </message>
    <message>
        <source>frame</source>
        <translation>帧</translation>
    </message>
    <message>
        <source>sub-sequences</source>
        <translation>子序列</translation>
    </message>
    <message>
        <source>coverage</source>
        <translation>覆盖率</translation>
    </message>
    <message>
        <source>short tracks (%1)</source>
        <translation>短轨迹（%1）</translation>
    </message>
</context>
<context>
    <name>autofocus::TimelineView</name>
    <message>
        <source>frame </source>
        <translation>帧 </translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <source>sub-sequence %1 / %2  [%3-%4]  %5 key, %6 re-run(s)</source>
        <translation>子序列 %1 / %2  [%3-%4]  %5 个关键，%6 次重跑</translation>
    </message>
    <message>
        <source>no sub-sequence</source>
        <translation>无子序列</translation>
    </message>
    <message>
        <source>  - undecided: review the candidates</source>
        <translation>  - 未决定：请审查候选对象</translation>
    </message>
    <message>
        <source>  - detection failed on this frame</source>
        <translation>  - 此帧检测失败</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <source>Show the whole episode (Ctrl+wheel zooms at the cursor, Shift+wheel or dragging the ruler pans)</source>
        <translation>显示整个片段（Ctrl+滚轮在光标处缩放，Shift+滚轮或拖动标尺平移）</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Keep the lanes of the tracks present at the current frame in view</source>
        <translation>让当前帧中出现的轨迹所在的泳道保持可见</translation>
    </message>
    <message>
        <source>All tracks</source>
        <translation>全部轨迹</translation>
    </message>
    <message>
        <source>Key objects only</source>
        <translation>仅关键对象</translation>
    </message>
    <message>
        <source>Present now</source>
        <translation>当前帧出现</translation>
    </message>
    <message>
        <source>Longer than</source>
        <translation>长于</translation>
    </message>
    <message>
        <source>Which tracks get a lane (tracks shorter than %1 frames share one lane)</source>
        <translation>哪些轨迹占一条泳道（短于 %1 帧的轨迹共用一条泳道）</translation>
    </message>
    <message>
        <source> frames</source>
        <translation> 帧</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainCurves</name>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>training BC</source>
        <translation>训练 BC</translation>
    </message>
    <message>
        <source>regulariser</source>
        <translation>正则项</translation>
    </message>
    <message>
        <source>validation BC</source>
        <translation>验证 BC</translation>
    </message>
    <message>
        <source>Built without QCustomPlot: no curves.</source>
        <translation>构建时未包含 QCustomPlot：无曲线。</translation>
    </message>
    <message>
        <source>Losses</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Samples/s</source>
        <translation>样本/秒</translation>
    </message>
    <message>
        <source>Data-wait share</source>
        <translation>数据等待占比</translation>
    </message>
    <message>
        <source>Which curves the plot shows</source>
        <translation>图中显示哪些曲线</translation>
    </message>
    <message>
        <source>Exponential moving average of the curves (display only; the recorded values stay)</source>
        <translation>曲线的指数移动平均（仅影响显示，记录的数值不变）</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>samples/s</source>
        <translation>样本/秒</translation>
    </message>
    <message>
        <source>data-wait share</source>
        <translation>数据等待占比</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainDock</name>
    <message>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>剩余 %1 分 %2 秒</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Finish the current step, write last.ckpt and end the run (it can be resumed)</source>
        <translation>完成当前步，写入 last.ckpt 并结束训练（之后可继续）</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the last stopped run from its checkpoint</source>
        <translation>从检查点继续上一个已停止的训练</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Open a project first</source>
        <translation>请先打开项目</translation>
    </message>
    <message>
        <source>Open a project before starting a training run.</source>
        <translation>请先打开项目再开始训练。</translation>
    </message>
    <message>
        <source>Training options are invalid: %1</source>
        <translation>训练选项无效：%1</translation>
    </message>
    <message>
        <source>Training run %1 could not start: %2</source>
        <translation>训练 %1 无法启动：%2</translation>
    </message>
    <message>
        <source>Starting %1...</source>
        <translation>正在启动 %1...</translation>
    </message>
    <message>
        <source>Training run %1 started</source>
        <translation>训练 %1 已开始</translation>
    </message>
    <message>
        <source>Stopping %1 (writing a checkpoint)...</source>
        <translation>正在停止 %1（写入检查点）...</translation>
    </message>
    <message>
        <source>No training run to resume.</source>
        <translation>没有可继续的训练。</translation>
    </message>
    <message>
        <source>Training run %1 could not resume: %2</source>
        <translation>训练 %1 无法继续：%2</translation>
    </message>
    <message>
        <source>Resuming %1...</source>
        <translation>正在继续 %1...</translation>
    </message>
    <message>
        <source>Training run %1 resumed</source>
        <translation>训练 %1 已继续</translation>
    </message>
    <message>
        <source>Curves of %1</source>
        <translation>%1 的曲线</translation>
    </message>
    <message>
        <source>epoch %1</source>
        <translation>第 %1 轮</translation>
    </message>
    <message>
        <source>lr %1</source>
        <translation>学习率 %1</translation>
    </message>
    <message>
        <source>%1 samples/s</source>
        <translation>%1 样本/秒</translation>
    </message>
    <message>
        <source>data wait %1 %</source>
        <translation>数据等待 %1 %</translation>
    </message>
    <message>
        <source>validation BC %1</source>
        <translation>验证 BC %1</translation>
    </message>
    <message>
        <source>Training run %1 completed: best validation BC %2</source>
        <translation>训练 %1 已完成：最佳验证 BC %2</translation>
    </message>
    <message>
        <source>Training run %1 completed</source>
        <translation>训练 %1 已完成</translation>
    </message>
    <message>
        <source>Training run %1 stopped with a checkpoint; Resume continues it</source>
        <translation>训练 %1 已停止并保存检查点；点击“继续”可接着训练</translation>
    </message>
    <message>
        <source>Training run %1 stopped: %2</source>
        <translation>训练 %1 已停止：%2</translation>
    </message>
    <message>
        <source>Training run %1 failed: %2</source>
        <translation>训练 %1 失败：%2</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>剩余 %1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <source>Time a few training steps of these options on the project&apos;s frames (GABRIL CNN, the real loader) and estimate the time per epoch</source>
        <translation>以这些选项在项目帧上计时几个训练步（GABRIL CNN，真实数据加载器），并估算每轮次时间</translation>
    </message>
    <message>
        <source>Time per epoch: not measured</source>
        <translation>每轮次时间：未测量</translation>
    </message>
    <message>
        <source>Add to Queue</source>
        <translation>加入队列</translation>
    </message>
    <message>
        <source>Start this run when the runs before it have ended</source>
        <translation>在之前的训练结束后开始本次训练</translation>
    </message>
    <message>
        <source>Clear Queue</source>
        <translation>清空队列</translation>
    </message>
    <message>
        <source>Estimated time left of the run being trained</source>
        <translation>当前训练的预计剩余时间</translation>
    </message>
    <message>
        <source>Start Training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Start a run with the Train dock&apos;s options</source>
        <translation>以训练面板的选项开始训练</translation>
    </message>
    <message>
        <source>Add Training Run to Queue</source>
        <translation>将训练加入队列</translation>
    </message>
    <message>
        <source>Queue a run with the Train dock&apos;s options</source>
        <translation>以训练面板的选项将训练加入队列</translation>
    </message>
    <message>
        <source>Queue: empty</source>
        <translation>队列：空</translation>
    </message>
    <message>
        <source>Queue: %1</source>
        <translation>队列：%1</translation>
    </message>
    <message>
        <source>Time per epoch: measuring...</source>
        <translation>每轮次时间：测量中...</translation>
    </message>
    <message>
        <source>Time per epoch: not measured (Measure)</source>
        <translation>每轮次时间：未测量（点击“测量”）</translation>
    </message>
    <message>
        <source>Time per epoch: about %1 (%2 ms per step, data wait %3 %)</source>
        <translation>每轮次时间：约 %1（每步 %2 毫秒，数据等待 %3 %）</translation>
    </message>
    <message>
        <source>?</source>
        <translation>?</translation>
    </message>
    <message>
        <source>; %1 for %2 epochs</source>
        <translation>；%2 个轮次共 %1</translation>
    </message>
    <message>
        <source> — measured with the GABRIL CNN, not %1</source>
        <translation> — 以 GABRIL CNN 测得，而非 %1</translation>
    </message>
    <message>
        <source>Cannot measure the step time: %1</source>
        <translation>无法测量单步时间：%1</translation>
    </message>
    <message>
        <source>Measuring the step time failed: %1</source>
        <translation>测量单步时间失败：%1</translation>
    </message>
    <message>
        <source>Time per epoch: the measurement failed</source>
        <translation>每轮次时间：测量失败</translation>
    </message>
    <message>
        <source>A run named %1 exists or is queued; choose another name.</source>
        <translation>已存在或已排队名为 %1 的训练，请换一个名称。</translation>
    </message>
    <message>
        <source>A training run is going; Add to Queue starts this one after it.</source>
        <translation>正在训练；“加入队列”会在其结束后开始本次训练。</translation>
    </message>
    <message>
        <source>Training run %1 queued</source>
        <translation>训练 %1 已加入队列</translation>
    </message>
    <message>
        <source>Queue cleared: %1</source>
        <translation>队列已清空：%1</translation>
    </message>
    <message>
        <source>Training run %1 started in the background</source>
        <translation>训练 %1 已在后台开始</translation>
    </message>
    <message>
        <source>A training run is going; resume %1 after it.</source>
        <translation>正在训练；请在其结束后继续 %1。</translation>
    </message>
    <message>
        <source>Curves of %1 and %2 more</source>
        <translation>%1 及另外 %2 个训练的曲线</translation>
    </message>
    <message>
        <source>Following %1 (trained by a process outside the studio)</source>
        <translation>正在跟踪 %1（由工作室之外的进程训练）</translation>
    </message>
    <message>
        <source>Following training run %1</source>
        <translation>正在跟踪训练 %1</translation>
    </message>
    <message>
        <source>the trainer ended while the run said &quot;%1&quot;</source>
        <translation>训练程序已结束，而训练记录状态仍为“%1”</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>预计 %1</translation>
    </message>
    <message>
        <source>Training is going</source>
        <translation>训练正在进行</translation>
    </message>
    <message>
        <source>Training run %1 is going. Stop it (a checkpoint is written; Resume continues it) or leave it running after the studio closes?</source>
        <translation>训练 %1 正在进行。停止它（会写入检查点，可继续训练），还是在工作室关闭后让它继续运行？</translation>
    </message>
    <message>
        <source>Queued runs that have not started are dropped: %1</source>
        <translation>尚未开始的排队训练将被丢弃：%1</translation>
    </message>
    <message>
        <source>Leave Running</source>
        <translation>保持运行</translation>
    </message>
    <message>
        <source>Do not ask again</source>
        <translation>不再询问</translation>
    </message>
    <message>
        <source>Training run %1 left running (pid %2)</source>
        <translation>训练 %1 保持运行（pid %2）</translation>
    </message>
    <message>
        <source>Training run %1 left running (pid %2); no pid file, so the studio will not follow it</source>
        <translation>训练 %1 保持运行（pid %2）；未写入 pid 文件，工作室将不会跟踪它</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainEvalView</name>
    <message>
        <source>Pedestrians</source>
        <translation>行人</translation>
    </message>
    <message>
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Off road</source>
        <translation>驶出道路</translation>
    </message>
    <message>
        <source>Red lights</source>
        <translation>闯红灯</translation>
    </message>
    <message>
        <source>Stop signs</source>
        <translation>停车标志</translation>
    </message>
    <message>
        <source>Timeouts</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>路线</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>路线族</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Completion %</source>
        <translation>完成度 %</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Open Videos Folder</source>
        <translation>打开视频文件夹</translation>
    </message>
    <message>
        <source>%1: the evaluation printed no per-route results</source>
        <translation>%1：评估未输出逐路线结果</translation>
    </message>
    <message>
        <source>%1 on %2 routes (%3): mean score %4 ± %5 (standard error) over %6 runs</source>
        <translation>%1 在 %2 路线上（%3）：平均得分 %4 ± %5（标准误），共 %6 次运行</translation>
    </message>
    <message>
        <source>Closed-loop evaluation — %1</source>
        <translation>闭环评估 — %1</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainForm</name>
    <message>
        <source>Defaults (GABRIL CARLA, no regulariser)</source>
        <translation>默认（GABRIL CARLA，无正则项）</translation>
    </message>
    <message>
        <source>Replace every option with a preset of autofocus train (docs/training.md)</source>
        <translation>用 autofocus train 的预设替换所有选项（docs/training.md）</translation>
    </message>
    <message>
        <source>run-&lt;UTC time&gt; when empty</source>
        <translation>留空时为 run-&lt;UTC 时间&gt;</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Run name</source>
        <translation>训练名称</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>All frames (curation exclusions honoured)</source>
        <translation>全部帧（遵循校订中的排除）</translation>
    </message>
    <message>
        <source>Flagged frames only</source>
        <translation>仅已标记的帧</translation>
    </message>
    <message>
        <source>Unflagged frames only</source>
        <translation>仅未标记的帧</translation>
    </message>
    <message>
        <source>Seeded by episode</source>
        <translation>按片段随机划分</translation>
    </message>
    <message>
        <source>HDF5 mask/train and mask/valid</source>
        <translation>HDF5 mask/train 与 mask/valid</translation>
    </message>
    <message>
        <source>Frames</source>
        <translation>帧数</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Validation share</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>Saliency regulariser</source>
        <translation>显著性正则项</translation>
    </message>
    <message>
        <source>VLM key objects</source>
        <translation>VLM 关键物体</translation>
    </message>
    <message>
        <source>Gaze</source>
        <translation>注视</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>default (10)</source>
        <translation>默认（10）</translation>
    </message>
    <message>
        <source>Regulariser weight; empty or negative = the regulariser&apos;s default</source>
        <translation>正则项权重；留空或负数 = 该正则项的默认值</translation>
    </message>
    <message>
        <source>Share of frames the regulariser sees</source>
        <translation>正则项作用的帧比例</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Regulariser</source>
        <translation>正则项</translation>
    </message>
    <message>
        <source>Lambda</source>
        <translation>Lambda</translation>
    </message>
    <message>
        <source>Fraction</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Model input height x width in pixels</source>
        <translation>模型输入的高 x 宽（像素）</translation>
    </message>
    <message>
        <source>Input size</source>
        <translation>输入尺寸</translation>
    </message>
    <message>
        <source>Frame stack</source>
        <translation>帧堆叠</translation>
    </message>
    <message>
        <source>Optimisation</source>
        <translation>优化</translation>
    </message>
    <message>
        <source>library default</source>
        <translation>库默认值</translation>
    </message>
    <message>
        <source>epochs only</source>
        <translation>仅每轮</translation>
    </message>
    <message>
        <source>A training-curve point every N steps</source>
        <translation>每 N 步记录一个训练曲线点</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>学习率调度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <source>Metrics every (steps)</source>
        <translation>指标间隔（步）</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>must be a whole number &gt;= 0</source>
        <translation>必须是 &gt;= 0 的整数</translation>
    </message>
    <message>
        <source>Saved filter: %1</source>
        <translation>已保存的筛选：%1</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainProbe</name>
    <message>
        <source>no project or no autofocus program</source>
        <translation>没有项目或没有 autofocus 程序</translation>
    </message>
    <message>
        <source>the probe ended with exit code %1</source>
        <translation>测量以退出码 %1 结束</translation>
    </message>
    <message>
        <source>the probe printed no timing</source>
        <translation>测量未输出计时</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainProcess</name>
    <message>
        <source>a training run is already going</source>
        <translation>已有训练正在进行</translation>
    </message>
    <message>
        <source>cannot write a temporary config file: %1</source>
        <translation>无法写入临时配置文件：%1</translation>
    </message>
    <message>
        <source>the autofocus command-line program was not found next to the studio</source>
        <translation>在工作室程序旁未找到 autofocus 命令行程序</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>stopped before the first checkpoint</source>
        <translation>在第一个检查点之前已停止</translation>
    </message>
    <message>
        <source>the training process crashed</source>
        <translation>训练进程崩溃</translation>
    </message>
    <message>
        <source>the training process crashed: %1</source>
        <translation>训练进程崩溃：%1</translation>
    </message>
    <message>
        <source>stopped by a signal from outside the studio</source>
        <translation>被工作室外部的信号停止</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>退出码 %1</translation>
    </message>
    <message>
        <source>exit code %1: %2</source>
        <translation>退出码 %1：%2</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainRunsModel</name>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Regulariser</source>
        <translation>正则项</translation>
    </message>
    <message>
        <source>Lambda</source>
        <translation>Lambda</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Best val. BC</source>
        <translation>最佳验证 BC</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>Not evaluated: Evaluate in the sample world writes RUN/evaluations/*.json</source>
        <translation>尚未评估：“在示例世界中评估”会写入 RUN/evaluations/*.json</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Fraction</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>Closed-loop score</source>
        <translation>闭环得分</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>autofocus::TrainRunsPanel</name>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue the selected run from its last checkpoint</source>
        <translation>从最后的检查点继续所选训练</translation>
    </message>
    <message>
        <source>Show Curves</source>
        <translation>显示曲线</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <source>Filter runs (any column)</source>
        <translation>筛选训练（任意列）</translation>
    </message>
    <message>
        <source>Show the selected runs&apos; recorded metrics in the Train dock (several are overlaid)</source>
        <translation>在训练面板中显示所选训练记录的指标（多个训练叠加显示）</translation>
    </message>
    <message>
        <source>Compare Config</source>
        <translation>比较配置</translation>
    </message>
    <message>
        <source>List the options that differ between the two selected runs</source>
        <translation>列出所选两个训练之间不同的选项</translation>
    </message>
    <message>
        <source>Rename Run...</source>
        <translation>重命名训练...</translation>
    </message>
    <message>
        <source>Rename the selected run&apos;s folder (not while it trains)</source>
        <translation>重命名所选训练的文件夹（训练进行中不可）</translation>
    </message>
    <message>
        <source>Edit Notes...</source>
        <translation>编辑备注...</translation>
    </message>
    <message>
        <source>Notes of the selected run (runs/NAME/notes.md)</source>
        <translation>所选训练的备注（runs/NAME/notes.md）</translation>
    </message>
    <message>
        <source>Delete Run...</source>
        <translation>删除训练...</translation>
    </message>
    <message>
        <source>Move the selected runs to the project&apos;s trash folder</source>
        <translation>将所选训练移到项目的回收站文件夹</translation>
    </message>
    <message>
        <source>Export Policy...</source>
        <translation>导出策略...</translation>
    </message>
    <message>
        <source>Copy the selected run&apos;s policy.pt and policy.json to a folder</source>
        <translation>将所选训练的 policy.pt 和 policy.json 复制到文件夹</translation>
    </message>
    <message>
        <source>Evaluate in the Sample World</source>
        <translation>在示例世界中评估</translation>
    </message>
    <message>
        <source>Run autofocus evaluate-policy on the selected run</source>
        <translation>对所选训练运行 autofocus evaluate-policy</translation>
    </message>
    <message>
        <source>Compare Attention</source>
        <translation>比较注意力</translation>
    </message>
    <message>
        <source>needs the attention view</source>
        <translation>需要注意力视图</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Rename Run</source>
        <translation>重命名训练</translation>
    </message>
    <message>
        <source>New name of %1:</source>
        <translation>%1 的新名称：</translation>
    </message>
    <message>
        <source>Run Notes</source>
        <translation>训练备注</translation>
    </message>
    <message>
        <source>Notes of %1 (Markdown):</source>
        <translation>%1 的备注（Markdown）：</translation>
    </message>
    <message>
        <source>Export Policy To</source>
        <translation>导出策略到</translation>
    </message>
    <message>
        <source>Cannot %1 run %2 while it trains; stop it first.</source>
        <translation>训练 %2 正在进行，无法%1；请先停止。</translation>
    </message>
    <message>
        <source>Open the attention compare view with the selected runs</source>
        <translation>用所选训练打开注意力比较视图</translation>
    </message>
    <message>
        <source>rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Cannot rename run %1 to %2: %3</source>
        <translation>无法将训练 %1 重命名为 %2：%3</translation>
    </message>
    <message>
        <source>a run with that name exists</source>
        <translation>已存在同名训练</translation>
    </message>
    <message>
        <source>Rename run %1 to %2</source>
        <translation>将训练 %1 重命名为 %2</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete Runs</source>
        <translation>删除训练</translation>
    </message>
    <message>
        <source>Move %1 to the project&apos;s trash folder (trash/runs)? Undo brings them back.</source>
        <translation>将 %1 移到项目的回收站文件夹（trash/runs）？撤销可恢复。</translation>
    </message>
    <message>
        <source>Delete %1 runs</source>
        <translation>删除 %1 个训练</translation>
    </message>
    <message>
        <source>Delete run %1</source>
        <translation>删除训练 %1</translation>
    </message>
    <message>
        <source>Moved to trash/runs: %1</source>
        <translation>已移到 trash/runs：%1</translation>
    </message>
    <message>
        <source>Edit the notes of run %1</source>
        <translation>编辑训练 %1 的备注</translation>
    </message>
    <message>
        <source>Cannot compare %1 and %2: %3</source>
        <translation>无法比较 %1 和 %2：%3</translation>
    </message>
    <message>
        <source>Config of %1 and %2</source>
        <translation>%1 与 %2 的配置</translation>
    </message>
    <message>
        <source>Option</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>The two runs have the same options.</source>
        <translation>两个训练的选项相同。</translation>
    </message>
    <message numerus="yes">
        <source>%n option(s) differ.</source>
        <translation>
            <numerusform>%n 个选项不同。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot export the policy of %1: %2</source>
        <translation>无法导出 %1 的策略：%2</translation>
    </message>
    <message>
        <source>Policy of %1 exported to %2</source>
        <translation>%1 的策略已导出到 %2</translation>
    </message>
    <message>
        <source>An evaluation of %1 is going; wait for it.</source>
        <translation>%1 的评估正在进行，请等待其结束。</translation>
    </message>
    <message>
        <source>Cannot evaluate %1: the autofocus program was not found</source>
        <translation>无法评估 %1：找不到 autofocus 程序</translation>
    </message>
    <message>
        <source>Evaluation of %1 failed (exit code %2): %3</source>
        <translation>%1 的评估失败（退出码 %2）：%3</translation>
    </message>
    <message>
        <source>no message</source>
        <translation>无消息</translation>
    </message>
    <message>
        <source>Evaluation of %1 finished</source>
        <translation>%1 的评估已完成</translation>
    </message>
    <message>
        <source>Evaluation of %1 finished: mean score %2</source>
        <translation>%1 的评估已完成：平均得分 %2</translation>
    </message>
    <message>
        <source>Evaluation of %1 could not start: %2</source>
        <translation>%1 的评估无法启动：%2</translation>
    </message>
    <message>
        <source>Evaluating %1 in the sample world</source>
        <translation>正在示例世界中评估 %1</translation>
    </message>
    <message>
        <source>Cancel Evaluation</source>
        <translation>取消评估</translation>
    </message>
    <message>
        <source>Cancelling the evaluation of %1</source>
        <translation>正在取消 %1 的评估</translation>
    </message>
    <message>
        <source>Evaluating %1: %p%</source>
        <translation>正在评估 %1：%p%</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>AutoFocus Studio</source>
        <translation>AutoFocus Studio</translation>
    </message>
    <message>
        <source>Print the version, git revision and library versions</source>
        <translation>打印版本、git 修订号和所用库的版本</translation>
    </message>
    <message>
        <source>Project directory to open</source>
        <translation>要打开的项目目录</translation>
    </message>
    <message>
        <source>Write screenshots to DIR and exit</source>
        <translation>将截图写入 DIR 后退出</translation>
    </message>
    <message>
        <source>Episode to show</source>
        <translation>要显示的片段</translation>
    </message>
    <message>
        <source>Window size WxH (screenshots)</source>
        <translation>窗口尺寸 宽x高（截图）</translation>
    </message>
    <message>
        <source>Frame to show (auto: one where the overlays show something)</source>
        <translation>要显示的帧（auto：选择叠加层有内容的帧）</translation>
    </message>
</context>
</TS>
