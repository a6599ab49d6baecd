"""The engine's own message catalogue, Vietnamese first, English second.

The engine cannot use Django's gettext (it must stay pure), so its words live here. Texts use
named placeholders (``%(name)s``); a missing placeholder shows as empty rather than failing, so
that an explanation is never lost to a wording mistake.
"""

from __future__ import annotations

from collections.abc import Mapping


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return ""


def message(key: str, lang: str = "vi", **params: object) -> str:
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry[1] if lang == "en" else entry[0]
    return text % _Lenient(params) if params or "%(" in text else text


def has_message(key: str) -> bool:
    return key in CATALOGUE


CATALOGUE: Mapping[str, tuple[str, str]] = {
    # --- method input errors ---
    "item_factor_not_positive": (
        "Sản phẩm %(code)s có hệ số quy đổi %(factor)s; hệ số phải lớn hơn 0.",
        "Item %(code)s has conversion factor %(factor)s; it must be greater than 0.",
    ),
    "item_negative_count": (
        "Sản phẩm %(code)s có số lần không đạt hoặc chậm tiến độ âm.",
        "Item %(code)s has a negative count of failed checks or late deliveries.",
    ),
    "no_items_assigned": (
        "Kỳ không có sản phẩm, công việc nào được giao nên không tính được điểm nhiệm vụ.",
        "No work items were assigned in the period, so task points cannot be computed.",
    ),
    "percent_out_of_range": ("Tỷ lệ %(value)s nằm ngoài khoảng 0–100.", "Percentage %(value)s is outside 0–100."),
    "leader_further_criterion_missing": (
        "Cách đọc sáu thành phần cần tiêu chí khác của đơn vị (e), nhưng kỳ này không có số liệu của tiêu chí "
        "đó và bộ chính sách không chỉ định gì tính thay (leader_further_criterion = required).",
        "The six-component reading needs the unit's further criterion (e), but none is recorded for this "
        "period and the preset names nothing to stand in for it (leader_further_criterion = required).",
    ),
    "unknown_subcriterion": (
        "Tiêu chí thành phần %(code)s không có trong chính sách.",
        "Sub-criterion %(code)s is not in the policy.",
    ),
    "missing_subcriterion": (
        "Thiếu điểm của tiêu chí thành phần %(code)s.",
        "Points for sub-criterion %(code)s are missing.",
    ),
    "points_out_of_range": (
        "Điểm %(value)s của tiêu chí %(code)s phải từ 0 đến %(maximum)s.",
        "Points %(value)s for criterion %(code)s must be between 0 and %(maximum)s.",
    ),
    "scale_too_short": (
        "Thang đánh giá cần ít nhất 2 mức (đang có %(levels)s).",
        "A rating scale needs at least 2 levels (it has %(levels)s).",
    ),
    "rating_out_of_range": (
        "Mức đánh giá %(value)s phải từ 1 đến %(maximum)s.",
        "Rating %(value)s must be between 1 and %(maximum)s.",
    ),
    "subcriterion_without_levels": (
        "Tiêu chí thành phần %(code)s chưa có thang mức mô tả hành vi trong chính sách nên không chấm theo mức được; hãy nhập điểm.",
        "Sub-criterion %(code)s has no described levels in the policy, so it cannot be rated by level; enter points instead.",
    ),
    "missing_subcriterion_level": (
        "Thiếu mức đánh giá của tiêu chí thành phần %(code)s.",
        "The level for sub-criterion %(code)s is missing.",
    ),
    "subcriterion_level_out_of_range": (
        "Mức đánh giá %(value)s của tiêu chí %(code)s phải là số nguyên từ 1 đến %(maximum)s.",
        "Level %(value)s for criterion %(code)s must be a whole number from 1 to %(maximum)s.",
    ),
    "general_points_disagree_with_levels": (
        "Điểm tiêu chí %(code)s (%(given)s) khác với điểm quy đổi từ mức đánh giá (%(expected)s); chỉ cần nhập mức.",
        "Points for criterion %(code)s (%(given)s) differ from the points of its level (%(expected)s); give the level only.",
    ),
    "general_criteria_missing": (
        "Kỳ %(period)s chưa có điểm hoặc mức đánh giá tiêu chí chung.",
        "Period %(period)s has neither general-criteria points nor levels.",
    ),
    "negative_target_or_actual": (
        "Chỉ tiêu (%(target)s) và kết quả (%(actual)s) không được âm.",
        "Target (%(target)s) and actual (%(actual)s) must not be negative.",
    ),
    "checklist_weights": (
        "Trọng số của danh mục kiểm tra phải không âm và có tổng lớn hơn 0.",
        "Checklist weights must be non-negative and add up to more than 0.",
    ),
    "bounds_inverted": (
        "Giới hạn dưới %(minimum)s lớn hơn giới hạn trên %(maximum)s.",
        "Lower bound %(minimum)s is above upper bound %(maximum)s.",
    ),
    "no_period_scores": ("Nhân sự %(staff_code)s không có điểm kỳ nào.", "Staff %(staff_code)s has no period scores."),
    "period_score_out_of_range": (
        "Điểm kỳ %(period)s là %(value)s; điểm phải từ 0 đến 100.",
        "Period %(period)s score is %(value)s; it must be between 0 and 100.",
    ),
    "leader_without_unit_criteria": (
        "Người lãnh đạo %(staff_code)s thiếu kết quả của đơn vị phụ trách.",
        "Leader %(staff_code)s lacks the results of the unit in their charge.",
    ),
    "no_criteria": (
        "Nhân sự %(staff_code)s không có dòng nào ở sheet Tiêu chí.",
        "Staff %(staff_code)s has no row in the Tiêu chí sheet.",
    ),
    "duplicate_staff_code": (
        "Mã nhân sự %(staff_code)s bị trùng.",
        "Staff code %(staff_code)s appears more than once.",
    ),
    "policy_not_points": (
        "Chính sách %(policy)s không phải mô hình chấm điểm (Nghị định 335).",
        "Policy %(policy)s is not a points model (Decree 335).",
    ),
    # --- templates ---
    "template_weights_total": (
        "Tổng trọng số các thành phần là %(total)s; phải bằng 100.",
        "The components' weights add up to %(total)s; they must add up to 100.",
    ),
    "template_unknown_method": (
        "Phương pháp %(method)s không tồn tại (có: %(known)s).",
        "Method %(method)s does not exist (known: %(known)s).",
    ),
    "template_bad_parameter": (
        "Tham số %(name)s không hợp lệ: %(detail)s.",
        "Parameter %(name)s is invalid: %(detail)s.",
    ),
    "template_missing_input": ("Thiếu dữ liệu cho thành phần %(code)s.", "Input for component %(code)s is missing."),
    "template_no_components": (
        "Mẫu đánh giá phải có ít nhất một thành phần.",
        "A template needs at least one component.",
    ),
    # --- policy files ---
    "policy_unknown_parameter": (
        "tham số %(name)s không có trong mô hình của chính sách này.",
        "parameter %(name)s does not belong to this policy's model.",
    ),
    "policy_expected_boolean": (
        "phải là true hoặc false (có/không), đang là %(value)s.",
        "must be true or false, got %(value)s.",
    ),
    "policy_expected_choice": (
        "phải là một trong: %(choices)s; đang là %(value)s.",
        "must be one of: %(choices)s; got %(value)s.",
    ),
    "policy_expected_decimal_text": (
        'số thập phân phải viết trong dấu nháy (ví dụ "0.20") để giữ chính xác; đang là %(value)s.',
        'decimals must be written as text (e.g. "0.20") to stay exact; got %(value)s.',
    ),
    "policy_expected_decimal": ("phải là một số, đang là %(value)s.", "must be a number, got %(value)s."),
    "policy_out_of_range": (
        "phải từ %(minimum)s đến %(maximum)s, đang là %(value)s.",
        "must be between %(minimum)s and %(maximum)s, got %(value)s.",
    ),
    "policy_absence_bounds": (
        "mốc bắt đầu giới hạn do vắng mặt phải nhỏ hơn mốc kết thúc.",
        "the absence cap's lower bound must be below its upper bound.",
    ),
    "policy_thresholds_order": (
        "ngưỡng phải giảm dần: HTXSNV > HTTNV > HTNV.",
        "thresholds must decrease: HTXSNV > HTTNV > HTNV.",
    ),
    "policy_points_total": (
        "điểm tối đa tiêu chí chung và nhiệm vụ phải có tổng bằng %(total)s.",
        "general-criteria and task maxima must add up to %(total)s.",
    ),
    "policy_subcriteria_total": (
        "tổng điểm các tiêu chí thành phần là %(total)s, phải bằng %(expected)s.",
        "the sub-criteria add up to %(total)s; they must add up to %(expected)s.",
    ),
    "policy_weights_zero": (
        "tổng các trọng số %(names)s không được bằng 0.",
        "the weights %(names)s must not add up to 0.",
    ),
    "policy_expected_text_pair": (
        "phải có nội dung tiếng Việt (vi) và tiếng Anh (en).",
        "must have Vietnamese (vi) and English (en) text.",
    ),
    "policy_expected_object": ("phải là một đối tượng JSON.", "must be a JSON object."),
    "policy_required_text": ("bắt buộc, phải là chuỗi ký tự.", "is required and must be text."),
    "policy_format": ("định dạng tệp phải là %(expected)s.", "the file format must be %(expected)s."),
    "policy_model": (
        "mô hình phải là points hoặc criteria, đang là %(value)s.",
        "model must be points or criteria, got %(value)s.",
    ),
    "policy_unknown_field": ("trường không được hỗ trợ.", "field not supported."),
    "policy_not_for_model": ("không dùng cho mô hình %(model)s.", "not used by the %(model)s model."),
    "policy_expected_list": ("phải là danh sách không rỗng.", "must be a non-empty list."),
    "policy_code_unique": ("mã phải có và không trùng.", "code is required and must be unique."),
    "policy_levels_expected_list": (
        "phải là danh sách các mức, mỗi mức là một đối tượng có vi và en.",
        "must be a list of levels, each an object with vi and en.",
    ),
    "policy_levels_too_few": ("cần ít nhất 2 mức, đang có %(count)s.", "needs at least 2 levels, has %(count)s."),
    "policy_level_text_pair": (
        "mức %(level)s phải mô tả hành vi quan sát được bằng tiếng Việt (vi) và tiếng Anh (en), không để trống.",
        "level %(level)s must describe the observable behaviour in Vietnamese (vi) and English (en), not empty.",
    ),
    "policy_parameter_shape": (
        "phải là đối tượng có value, to_confirm và description.",
        "must be an object with value, to_confirm and description.",
    ),
    "policy_missing_parameter": ("thiếu tham số bắt buộc.", "required parameter is missing."),
    "policy_unreadable": ("không đọc được tệp: %(error)s.", "cannot read the file: %(error)s."),
    "policy_bad_json": ("JSON không hợp lệ: %(error)s.", "invalid JSON: %(error)s."),
    "policy_not_found": (
        "không có chính sách này; các chính sách có sẵn: %(known)s (hoặc đường dẫn tới tệp .json).",
        "no such policy; shipped presets: %(known)s (or a path to a .json file).",
    ),
    "policy_tie_break_model": (
        "cách phân định last_period_score chỉ dùng cho mô hình chấm điểm.",
        "the last_period_score tie-break is only for the points model.",
    ),
    # --- levels, disciplinary measures, scopes ---
    "discipline_khien_trach": ("khiển trách", "reprimand"),
    "discipline_canh_cao": ("cảnh cáo", "warning"),
    "discipline_ha_bac_luong": ("hạ bậc lương", "salary step reduction"),
    "discipline_giang_chuc": ("giáng chức", "demotion"),
    "discipline_cach_chuc": ("cách chức", "dismissal from post"),
    "discipline_buoc_thoi_viec": ("buộc thôi việc", "forced termination"),
    "scope_unit": ("đơn vị %(name)s", "unit %(name)s"),
    "scope_group": ("nhóm %(name)s", "group %(name)s"),
    # --- reasons ---
    "reason_band": (
        "Điểm năm %(score)s theo ngưỡng đạt mức %(level)s.",
        "Yearly score %(score)s falls in the %(level)s band.",
    ),
    "reason_criteria": ("Theo tiêu chí của cá nhân: %(level)s.", "By the person's own criteria: %(level)s."),
    "reason_unit_criteria": (
        "Theo kết quả của đơn vị phụ trách: %(level)s (người lãnh đạo nhận mức thấp hơn trong hai mức).",
        "By the results of the unit in charge: %(level)s (a leader gets the lower of the two).",
    ),
    "reason_rule_short_service": (
        "Công tác dưới 6 tháng trong năm, không nghỉ thai sản: chưa xếp loại (vẫn kiểm điểm thời gian công tác).",
        "Worked under 6 months in the year, no maternity leave: not classified (still reviews the time worked).",
    ),
    "reason_rule_discipline": (
        "Bị kỷ luật (%(measure)s) trong năm: %(level)s, không phụ thuộc điểm.",
        "Disciplinary measure (%(measure)s) in the year: %(level)s whatever the score.",
    ),
    "reason_rule_discipline_already_counted": (
        "Bị kỷ luật (%(measure)s) nhưng vi phạm này đã được dùng để xếp loại không hoàn thành nhiệm vụ ở năm trước: không tính lại (giữ %(after)s).",
        "Disciplinary measure (%(measure)s), but the violation was already used to classify the person as not completing tasks in an earlier year: not counted again (stays %(after)s).",
    ),
    "reason_rule_degradation": (
        "Có kết luận của cấp có thẩm quyền về suy thoái: %(level)s.",
        "A competent authority concluded degradation: %(level)s.",
    ),
    "reason_rule_corruption": (
        "Để xảy ra tham nhũng, lãng phí ở đơn vị trực tiếp phụ trách: %(level)s.",
        "Corruption or waste in a unit under their direct charge: %(level)s.",
    ),
    "reason_rule_absence_cap": (
        "Vắng mặt có lý do %(months)s tháng: xếp loại không cao hơn %(level)s (còn %(after)s).",
        "Lawfully absent %(months)s months: at most %(level)s (now %(after)s).",
    ),
    "reason_quota_zero": (
        "Tỷ lệ bằng 0 ở %(scope)s: chỉ %(base)s người đạt HTTNV trở lên nên trần HTXSNV là 0; chỉ quyết định ngoại lệ được ghi nhận mới cho phép xếp HTXSNV.",
        "Quota 0 in %(scope)s: only %(base)s qualify HTTNV or better, so the HTXSNV cap is 0; only a recorded exception allows HTXSNV.",
    ),
    "reason_over_quota": (
        "Vượt tỷ lệ HTXSNV ở %(scope)s (trần %(cap)s người; xếp thứ %(position)s trong số người đủ điều kiện).",
        "Over the HTXSNV quota in %(scope)s (cap %(cap)s; ranked %(position)s among those qualifying).",
    ),
    "reason_quota_exempt": (
        "Không tính vào trần của %(scope)s vì nhóm có quyết định ngoại lệ.",
        "Not counted against the cap of %(scope)s: the group holds an exception.",
    ),
    "reason_proposed_one_below": (
        "Đủ điều kiện HTXSNV nhưng vượt tỷ lệ: đề xuất %(level)s, chờ cấp có thẩm quyền quyết định.",
        "Qualifies for HTXSNV but over quota: proposed %(level)s, for the competent authority to decide.",
    ),
    "reason_within_quota": ("Trong tỷ lệ HTXSNV cho phép.", "Within the HTXSNV quota."),
    "reason_exception": (
        "Nhóm có quyết định ngoại lệ về tỷ lệ: %(reference)s.",
        "The group holds a quota exception: %(reference)s.",
    ),
    # --- rule names ---
    "rule_short_service": ("Công tác dưới 6 tháng", "Under 6 months worked"),
    "rule_discipline": ("Bị kỷ luật trong năm", "Disciplinary measure in the year"),
    "rule_discipline_already_counted": (
        "Kỷ luật đã được tính ở năm trước",
        "Disciplinary measure already counted in an earlier year",
    ),
    "rule_degradation": ("Suy thoái", "Degradation"),
    "rule_corruption": ("Tham nhũng, lãng phí ở đơn vị phụ trách", "Corruption or waste in the unit in charge"),
    "rule_absence_cap": ("Vắng mặt có lý do từ 3 đến dưới 6 tháng", "Lawful absence of 3 to under 6 months"),
    # --- explanation nodes ---
    "node_parameter": ("Tham số %(name)s", "Parameter %(name)s"),
    "node_yearly_score": ("Điểm năm (trung bình cộng điểm các kỳ)", "Yearly score (mean of the period scores)"),
    "node_period_score": ("Điểm kỳ %(period)s", "Period %(period)s score"),
    "node_general_criteria": ("Điểm tiêu chí chung", "General-criteria points"),
    "node_subcriterion": ("Tiêu chí %(code)s (tối đa %(maximum)s)", "Criterion %(code)s (at most %(maximum)s)"),
    "node_subcriterion_level": (
        "Tiêu chí %(code)s (tối đa %(maximum)s): mức %(level)s trên thang %(levels)s mức → %(points)s điểm",
        "Criterion %(code)s (at most %(maximum)s): level %(level)s of %(levels)s → %(points)s points",
    ),
    "render_level_anchor": ("Hành vi ở mức %(level)s: %(text)s", "Behaviour at level %(level)s: %(text)s"),
    "render_level_scale": ("Thang điểm: %(scale)s", "Scale: %(scale)s"),
    "node_subcriterion_total": (
        "Điểm tiêu chí chung (một cột, tối đa %(maximum)s)",
        "General criteria (one column, at most %(maximum)s)",
    ),
    "node_task_points": ("Điểm kết quả thực hiện nhiệm vụ", "Task-result points"),
    "node_quantity_percent": ("a) Số lượng (%)", "a) Quantity (%)"),
    "node_quality_percent": ("b) Chất lượng (%)", "b) Quality (%)"),
    "node_timeliness_percent": ("c) Tiến độ (%)", "c) Timeliness (%)"),
    "node_assigned_converted": ("Tổng sản phẩm được giao (đã quy đổi)", "Converted items assigned"),
    "node_credited_converted": ("Tổng sản phẩm được tính (đã quy đổi)", "Converted items credited"),
    "node_item_factor": ("Hệ số quy đổi của %(code)s", "Conversion factor of %(code)s"),
    "node_item_credit_quantity": ("Số lượng tính cho %(code)s", "Quantity credit of %(code)s"),
    "node_item_credit_quality": ("Chất lượng tính cho %(code)s", "Quality credit of %(code)s"),
    "node_item_credit_timeliness": ("Tiến độ tính cho %(code)s", "Timeliness credit of %(code)s"),
    "node_quality_failures": ("Số lần không đạt chất lượng", "Failed quality checks"),
    "node_late_count": ("Số lần chậm tiến độ", "Late deliveries"),
    "node_leader_own_percent": ("Phần sản phẩm của bản thân (%)", "Own items (%)"),
    "node_leader_combined_percent": ("Gộp phần bản thân và phần đơn vị (%)", "Own items and unit combined (%)"),
    "node_unit_percent": ("Phần kết quả đơn vị (%)", "Unit part (%)"),
    "node_unit_staff_part": ("Phần tỷ lệ công chức đạt HTNV trở lên (%)", "Staff at HTNV or better part (%)"),
    "node_unit_staff_share": ("Tỷ lệ công chức đạt HTNV trở lên", "Share of staff at HTNV or better"),
    "node_unit_plan_percent": ("Kết quả thực hiện kế hoạch của đơn vị (%)", "Unit plan carried out (%)"),
    "node_unit_further_percent": ("Tiêu chí khác của đơn vị (e)", "Further unit criterion (e)"),
    "node_quota_cap": ("Trần HTXSNV", "HTXSNV cap"),
    "node_quota_share": ("Tỷ lệ", "Share"),
    "node_quota_base_count": ("Số người đạt HTTNV trở lên", "Number qualifying HTTNV or better"),
    "item_not_completed": ("chưa hoàn thành: không được tính", "not completed: earns nothing"),
    "item_completed": ("đã hoàn thành", "completed"),
    "item_objective_cause": (
        "có nguyên nhân khách quan được xác nhận: không bị trừ",
        "objective cause confirmed: no deduction",
    ),
    "item_quality_deduction": ("trừ 25% cho mỗi lần không đạt chất lượng", "25% off per failed quality check"),
    "item_late_deduction": ("trừ 25% cho mỗi lần chậm tiến độ", "25% off per late delivery"),
    "leader_six_components": (
        "Người lãnh đạo, quản lý, cách đọc sáu thành phần: điểm nhiệm vụ = 70 × (a + b + c + d + đ + e) / 6 / 100 — "
        "a, b, c là số lượng, chất lượng, tiến độ sản phẩm của bản thân; d là phần tỷ lệ công chức đạt HTNV trở lên "
        "(100 khi tất cả đạt, thấp hơn khi có người KHTNV); đ (viết là p) là kết quả thực hiện kế hoạch của đơn vị; "
        "e là tiêu chí khác của đơn vị. Sáu thành phần có trọng số bằng nhau.",
        "Leader, six-component reading: task points = 70 × (a + b + c + d + đ + e) / 6 / 100 — a, b, c are the "
        "quantity, quality and timeliness of their own items; d is the part for the staff at HTNV or better (100 "
        "when all are, less when anyone is KHTNV); đ (written p) is how the unit carried out its plan; e is the "
        "unit's further criterion. The six count equally.",
    ),
    "further_plan_stands_in": (
        "Cơ quan chưa ghi nhận tiêu chí khác của đơn vị: theo bộ chính sách (leader_further_criterion = "
        "plan_stands_in), kết quả thực hiện kế hoạch (đ) được tính thay cho e.",
        "The agency records no further unit criterion: by the preset (leader_further_criterion = plan_stands_in), "
        "the unit's plan completion (đ) stands in for e.",
    ),
    "parameter_leader_combination": (
        "Người lãnh đạo, quản lý: cách gộp phần bản thân với phần đơn vị. own_and_unit_mean (mặc định): trung bình "
        "(theo trọng số) của phần sản phẩm bản thân và phần đơn vị. six_components: trung bình cộng sáu thành phần "
        "(a + b + c + d + đ + e) / 6. Có hai cách đọc công khai; cần xác nhận.",
        "Leaders: how own items and the unit combine. own_and_unit_mean (default): the (weighted) mean of the "
        "own-items part and the unit part. six_components: the equal mean of the six components "
        "(a + b + c + d + đ + e) / 6. Both readings are public; to be confirmed.",
    ),
    "parameter_leader_further_criterion": (
        "Cách đọc sáu thành phần: khi cơ quan không có số liệu tiêu chí khác của đơn vị (e). required: không chấm "
        "điểm và báo thiếu. plan_stands_in: tính kết quả thực hiện kế hoạch (đ) thay cho e, và ghi rõ trong phần "
        "giải thích.",
        "Six-component reading: when the agency records no further unit criterion (e). required: no score, the gap "
        "is reported. plan_stands_in: the unit's plan completion (đ) stands in for e, and the explanation says so.",
    ),
    "leader_without_unit_data": (
        "Không có dữ liệu đơn vị phụ trách cho kỳ này: chỉ tính sản phẩm của bản thân.",
        "No data on the unit in charge for this period: own items only.",
    ),
    "subject_shared_criteria_met": ("Đáp ứng tiêu chí chung (1 = có)", "Shared criteria met (1 = yes)"),
    "subject_completion_percent": ("Tỷ lệ nhiệm vụ hoàn thành", "Share of tasks completed"),
    "subject_short_percent": (
        "Tỷ lệ chưa bảo đảm chất lượng, tiến độ, hiệu quả",
        "Share short on quality, time or efficiency",
    ),
    "subject_exceeded_percent": ("Tỷ lệ vượt mức", "Share exceeded"),
    "subject_unit_targets_completed_percent": ("Đơn vị: tỷ lệ chỉ tiêu hoàn thành", "Unit: share of targets completed"),
    "subject_unit_targets_exceeded_percent": ("Đơn vị: tỷ lệ vượt mức", "Unit: share of targets exceeded"),
    "subject_unit_on_time_percent": (
        "Đơn vị: tỷ lệ đúng tiến độ, bảo đảm chất lượng",
        "Unit: share on time and to quality",
    ),
    "subject_subunits_complete_percent": (
        "Đơn vị trực thuộc đạt HTNV trở lên",
        "Units directly managed at HTNV or better",
    ),
    "subject_subunits_good_percent": (
        "Đơn vị trực thuộc đạt HTTNV trở lên",
        "Units directly managed at HTTNV or better",
    ),
    "subject_months_worked": ("Số tháng công tác", "Months worked"),
    "subject_months_absent": (
        "Số tháng vắng mặt có lý do (không kể thai sản)",
        "Months of lawful absence (maternity excluded)",
    ),
    # --- rendering ---
    "render_header": (
        "%(name)s (%(code)s) — %(unit)s, nhóm %(group)s",
        "%(name)s (%(code)s) — %(unit)s, group %(group)s",
    ),
    "render_policy": ("Chính sách %(id)s, phiên bản %(version)s", "Policy %(id)s, version %(version)s"),
    "render_overrides": (
        "Tham số thay đổi để thử nghiệm: %(overrides)s",
        "Parameters changed for a what-if: %(overrides)s",
    ),
    "render_band": (
        "Mức theo điểm: %(score)s so với ngưỡng HTXSNV ≥ %(excellent)s, HTTNV ≥ %(good)s, HTNV ≥ %(complete)s → %(level)s",
        "Band: %(score)s against HTXSNV ≥ %(excellent)s, HTTNV ≥ %(good)s, HTNV ≥ %(complete)s → %(level)s",
    ),
    "render_criteria_staff": ("Tiêu chí của cá nhân → %(level)s", "Own criteria → %(level)s"),
    "render_criteria_unit": ("Tiêu chí của đơn vị phụ trách → %(level)s", "Criteria of the unit in charge → %(level)s"),
    "render_test_all": ("Mức %(level)s (cần đạt tất cả): %(result)s", "Level %(level)s (all must hold): %(result)s"),
    "render_test_any": ("Mức %(level)s (chỉ cần một): %(result)s", "Level %(level)s (any one suffices): %(result)s"),
    "render_fallback": (
        "Không đạt mức nào ở trên → %(level)s (tham số criteria_gap_level)",
        "None of the above holds → %(level)s (parameter criteria_gap_level)",
    ),
    "render_rule": ("Quy tắc: %(rule)s: %(before)s → %(after)s", "Rule: %(rule)s: %(before)s → %(after)s"),
    "render_qualified": (
        "Mức đủ điều kiện trước khi xét tỷ lệ: %(level)s",
        "Level qualified for, before the quota: %(level)s",
    ),
    "render_quota_scope": (
        "Tỷ lệ ở %(scope)s: %(base)s người đạt HTTNV trở lên, trần = %(formula)s = %(cap)s; xếp thứ %(position)s → %(result)s",
        "Quota in %(scope)s: %(base)s qualify HTTNV or better, cap = %(formula)s = %(cap)s; ranked %(position)s → %(result)s",
    ),
    "quota_fits": ("trong tỷ lệ", "within the quota"),
    "quota_over": ("vượt tỷ lệ", "over the quota"),
    "render_result": ("Kết quả đề xuất: %(level)s — %(name)s%(over)s", "Proposed result: %(level)s — %(name)s%(over)s"),
    "render_over_quota": (" (vượt tỷ lệ, đề xuất thấp hơn một mức)", " (over quota, proposed one level down)"),
    "render_empty": ("", ""),
    "yes": ("đạt", "holds"),
    "no": ("không đạt", "does not hold"),
    # --- cohort files ---
    "where_sheet": ("sheet %(sheet)s", "sheet %(sheet)s"),
    "where_row": ("dòng %(row)s", "row %(row)s"),
    "where_column": ("cột %(column)s", "column %(column)s"),
    "cohort_json_shape": (
        "tệp JSON phải là một đối tượng: tên sheet → danh sách các dòng (mỗi dòng là một đối tượng tiêu đề → giá trị).",
        "the JSON file must be an object: sheet name → list of rows (each an object header → value).",
    ),
    "cohort_missing_file": ("không tìm thấy tệp hoặc thư mục.", "file or folder not found."),
    "cohort_unreadable": ("không đọc được tệp (%(error)s).", "cannot read the file (%(error)s)."),
    "cohort_unknown_format": (
        "định dạng không được hỗ trợ; dùng .xlsx, .json hoặc một thư mục các tệp .csv.",
        "unsupported format; use .xlsx, .json or a folder of .csv files.",
    ),
    "cohort_unknown_output": (
        "định dạng kết quả không được hỗ trợ; dùng .xlsx, .csv hoặc .json.",
        "unsupported output format; use .xlsx, .csv or .json.",
    ),
    "cohort_missing_sheet": ("thiếu sheet %(sheet)s.", "sheet %(sheet)s is missing."),
    "cohort_missing_column": ("thiếu cột bắt buộc này.", "this required column is missing."),
    "cohort_empty_sheet": ("sheet không có dòng dữ liệu nào.", "the sheet has no data rows."),
    "cohort_duplicate_code": (
        "mã nhân sự %(code)s bị trùng (đã có ở dòng %(first)s).",
        "staff code %(code)s appears twice (first at row %(first)s).",
    ),
    "cohort_months_total": (
        "tổng số tháng công tác, nghỉ và thai sản là %(total)s, vượt quá 12.",
        "months worked, absent and on maternity leave add up to %(total)s, more than 12.",
    ),
    "cohort_missing_points_data": (
        "không có cột Điểm kỳ nên cần sheet %(sheet)s để tính điểm.",
        "there are no Điểm kỳ columns, so sheet %(sheet)s is needed to compute the scores.",
    ),
    "cohort_unknown_person": (
        "mã nhân sự %(code)s không có trong sheet Nhân sự (hoặc dòng đó có lỗi).",
        "staff code %(code)s is not in the Nhân sự sheet (or that row has errors).",
    ),
    "cohort_period_without_items": (
        "nhân sự %(code)s có điểm tiêu chí chung kỳ %(period)s nhưng không có sản phẩm nào trong kỳ.",
        "staff %(code)s has general-criteria points for period %(period)s but no work items in it.",
    ),
    "cohort_period_without_general": (
        "nhân sự %(code)s có sản phẩm kỳ %(period)s nhưng thiếu điểm tiêu chí chung của kỳ.",
        "staff %(code)s has work items in period %(period)s but no general-criteria points for it.",
    ),
    "cohort_duplicate_period": (
        "nhân sự %(code)s đã có điểm tiêu chí chung kỳ %(period)s (dòng %(first)s).",
        "staff %(code)s already has general-criteria points for period %(period)s (row %(first)s).",
    ),
    "cohort_not_a_leader": (
        "mã nhân sự %(code)s không phải người lãnh đạo trong sheet Nhân sự.",
        "staff code %(code)s is not a leader in the Nhân sự sheet.",
    ),
    "cohort_leader_unit_required": (
        "người lãnh đạo phải có kết quả của đơn vị phụ trách ở cột này.",
        "a leader needs the results of the unit in their charge in this column.",
    ),
    "cell_required": ("ô này không được để trống.", "this cell must not be empty."),
    "cell_yes_no": ('phải là Có hoặc Không (đang là "%(value)s").', 'must be Có or Không (got "%(value)s").'),
    "cell_number": (
        'phải là một số, dùng dấu phẩy hoặc dấu chấm thập phân (đang là "%(value)s").',
        'must be a number, with a comma or a dot as decimal mark (got "%(value)s").',
    ),
    "cell_number_range": (
        'phải là số từ %(minimum)s đến %(maximum)s (đang là "%(value)s").',
        'must be a number from %(minimum)s to %(maximum)s (got "%(value)s").',
    ),
    "cell_count": (
        'phải là số nguyên không âm (đang là "%(value)s").',
        'must be a whole number, not negative (got "%(value)s").',
    ),
    "cell_positive": ('phải lớn hơn 0 (đang là "%(value)s").', 'must be greater than 0 (got "%(value)s").'),
    "cell_discipline": (
        'hình thức kỷ luật không hợp lệ "%(value)s"; dùng một trong: %(known)s, hoặc để trống.',
        'unknown disciplinary measure "%(value)s"; use one of: %(known)s, or leave it empty.',
    ),
    # --- results file ---
    "scope_kind_unit": ("Đơn vị", "Unit"),
    "scope_kind_group": ("Nhóm", "Group"),
    "quota_zero_note": (
        "Tỷ lệ bằng 0: chỉ quyết định ngoại lệ được ghi nhận mới cho phép xếp HTXSNV.",
        "Quota 0: only a recorded exception allows HTXSNV.",
    ),
    "to_confirm_flag": ("cần xác nhận", "to confirm"),
    # --- command line ---
    "cli_errors_header": (
        "Không ghi tệp kết quả vì có %(count)s lỗi:",
        "No results file written: %(count)s problem(s):",
    ),
    "cli_written": ("Đã ghi %(path)s.", "Wrote %(path)s."),
    "cli_summary": (
        "%(total)s người theo chính sách %(policy)s (phiên bản %(version)s): %(counts)s; vượt tỷ lệ: %(over)s.",
        "%(total)s people under policy %(policy)s (version %(version)s): %(counts)s; over quota: %(over)s.",
    ),
    "cli_unknown_staff": ("Không có mã nhân sự %(code)s trong tệp.", "Staff code %(code)s is not in the file."),
    "cli_needs_input": ("Cần --policy và --input (hoặc --list).", "--policy and --input are required (or --list)."),
    "cli_bad_set": ("--set phải có dạng tên=giá trị (đang là %(value)s).", "--set must be name=value (got %(value)s)."),
    "cli_list_header": ("Các chính sách có sẵn:", "Shipped presets:"),
    "cli_list_preset": (
        "%(id)s — phiên bản %(version)s — %(title)s (hiệu lực từ %(valid_from)s%(until)s)",
        "%(id)s — version %(version)s — %(title)s (valid from %(valid_from)s%(until)s)",
    ),
    "cli_list_until": (" đến %(date)s", " to %(date)s"),
    "cli_list_open": ("  Tham số cần xác nhận:", "  Parameters to confirm:"),
    "cli_list_parameter": ("    %(name)s = %(value)s — %(description)s", "    %(name)s = %(value)s — %(description)s"),
    "cli_check_ok": (
        "Đã tính lại %(numbers)s con số và mức của %(people)s người: khớp hoàn toàn.",
        "Recomputed %(numbers)s numbers and levels for %(people)s people: all agree.",
    ),
    "cli_check_failed": ("Tính lại không khớp ở %(count)s chỗ:", "Re-computation disagrees in %(count)s place(s):"),
    "cli_check_bad_file": ("Không đọc được %(path)s: %(error)s", "Cannot read %(path)s: %(error)s"),
}
