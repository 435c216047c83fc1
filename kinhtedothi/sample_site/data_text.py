"""Hand-written Vietnamese sentences used to build article bodies.

Every sentence is NFC.  ``{place}`` is replaced by the article's place
(e.g. "quận Cầu Giấy").  Bodies are assembled deterministically in
``content.py`` (seeded by the article id).
"""

ELECTIONS = [
    "Ủy ban Bầu cử {place} đã ban hành kế hoạch chi tiết, phân công nhiệm vụ cụ thể cho từng thành viên phụ trách các khu vực bỏ phiếu.",
    "Công tác tuyên truyền về cuộc bầu cử được triển khai sâu rộng qua hệ thống loa truyền thanh, pano, áp phích và các trang thông tin điện tử.",
    "Danh sách cử tri được niêm yết công khai tại trụ sở UBND phường, xã và các khu vực bỏ phiếu đúng thời gian quy định.",
    "Tại hội nghị, các đại biểu đã thảo luận dân chủ, thống nhất cơ cấu, thành phần, số lượng người được giới thiệu ứng cử.",
    "Lãnh đạo {place} đề nghị các tổ bầu cử rà soát kỹ danh sách cử tri, tránh để sót hoặc trùng lặp tên cử tri.",
    "Hồ sơ của người ứng cử được thẩm định chặt chẽ, bảo đảm đúng tiêu chuẩn theo quy định của Luật Bầu cử đại biểu Quốc hội và đại biểu HĐND.",
    "Nhiều cử tri bày tỏ niềm tin rằng những người trúng cử sẽ là cầu nối tin cậy giữa nhân dân với cơ quan dân cử.",
    "Các tổ bầu cử đã được tập huấn nghiệp vụ, từ việc kiểm tra hòm phiếu, phát phiếu bầu đến kiểm phiếu và lập biên bản.",
    "Lực lượng công an, quân sự được bố trí trực 24/24 giờ, bảo đảm an ninh trật tự tuyệt đối trước, trong và sau ngày bầu cử.",
    "Tại buổi tiếp xúc, người ứng cử đã trình bày chương trình hành động, tập trung vào phát triển kinh tế, chăm lo an sinh xã hội và cải cách hành chính.",
    "Cử tri kiến nghị người ứng cử quan tâm hơn đến vấn đề ngập úng, ô nhiễm môi trường và quá tải hạ tầng giao thông.",
    "Các khu vực bỏ phiếu được trang trí trang trọng với cờ Tổ quốc, ảnh Chủ tịch Hồ Chí Minh, khẩu hiệu và sơ đồ hướng dẫn.",
    "Theo kế hoạch, việc kiểm phiếu sẽ được tiến hành ngay sau khi kết thúc thời gian bỏ phiếu, có sự chứng kiến của đại diện cử tri.",
    "Đến 15 giờ cùng ngày, nhiều khu vực bỏ phiếu đã có trên 90% cử tri đi bầu, một số nơi đạt 100%.",
    "Đây là ngày hội lớn của toàn dân, là dịp để mỗi cử tri thực hiện quyền làm chủ, lựa chọn những người xứng đáng đại diện cho mình.",
    "Ban Thường vụ {place} yêu cầu các cấp ủy đảng tăng cường kiểm tra, giám sát, kịp thời giải quyết đơn thư liên quan đến người ứng cử.",
    "Đoàn thanh niên các phường đã thành lập đội hình tình nguyện hỗ trợ người cao tuổi, người khuyết tật đến khu vực bỏ phiếu.",
    "Kết quả hiệp thương là cơ sở quan trọng để lập danh sách chính thức những người ứng cử đại biểu HĐND các cấp.",
    "Ông Nguyễn Văn Phong, Phó Bí thư Thường trực Thành ủy nhấn mạnh, công tác bầu cử phải bảo đảm dân chủ, đúng luật, an toàn, tiết kiệm.",
    "Cử tri cao tuổi nhất tại khu vực bỏ phiếu số 3 năm nay đã 96 tuổi, được con cháu đưa đi bỏ phiếu từ sáng sớm.",
    "Ngay sau buổi tổng duyệt, tổ bầu cử đã rút kinh nghiệm những khâu còn lúng túng, nhất là việc hướng dẫn cử tri gạch phiếu.",
    "Ủy ban MTTQ {place} đã tổ chức lấy ý kiến nhận xét của cử tri nơi cư trú đối với những người được giới thiệu ứng cử.",
]

COVID = [
    "Ngay sau khi nhận được thông tin, Trung tâm Y tế {place} đã khẩn trương điều tra dịch tễ, truy vết các trường hợp tiếp xúc gần.",
    "Các trường hợp F1 đã được đưa đi cách ly tập trung, lấy mẫu xét nghiệm; các trường hợp F2 được yêu cầu tự cách ly tại nhà.",
    "Cơ quan chức năng đã tiến hành phun khử khuẩn toàn bộ khu vực nơi bệnh nhân sinh sống và các địa điểm bệnh nhân từng đến.",
    "Người dân được khuyến cáo thực hiện nghiêm thông điệp 5K: khẩu trang, khử khuẩn, khoảng cách, không tụ tập và khai báo y tế.",
    "UBND {place} yêu cầu các đơn vị không được lơ là, chủ quan, tiếp tục duy trì nghiêm các biện pháp phòng, chống dịch.",
    "Các chốt kiểm soát dịch được duy trì 24/24 giờ, kiểm tra chặt chẽ người và phương tiện ra vào khu vực phong tỏa.",
    "Lực lượng y tế đã lấy hàng nghìn mẫu xét nghiệm trong đêm, kết quả ban đầu đều âm tính với virus SARS-CoV-2.",
    "Nhiều tổ chức, cá nhân đã ủng hộ gạo, rau xanh, trứng và nhu yếu phẩm cho người dân trong khu vực cách ly.",
    "Theo Sở Y tế Hà Nội, thành phố đã chuẩn bị sẵn sàng các kịch bản ứng phó với tình huống số ca mắc tăng cao.",
    "Các chợ, siêu thị trên địa bàn vẫn bảo đảm cung ứng đủ hàng hóa, giá cả ổn định, không có tình trạng khan hàng.",
    "Học sinh, sinh viên được chuyển sang học trực tuyến để bảo đảm an toàn trong thời gian dịch bệnh diễn biến phức tạp.",
    "Bí thư Thành ủy Hà Nội yêu cầu phát huy vai trò của tổ Covid cộng đồng, giám sát chặt chẽ người về từ vùng dịch.",
    "Những ngày qua, các y, bác sĩ tuyến đầu đã không quản ngày đêm, vất vả túc trực để chăm sóc, điều trị cho người bệnh.",
    "Người đứng đầu các cơ quan, đơn vị phải chịu trách nhiệm nếu để xảy ra lây nhiễm dịch bệnh tại đơn vị mình.",
    "Các trường hợp vi phạm quy định về đeo khẩu trang nơi công cộng đã bị lập biên bản, xử phạt theo quy định.",
    "Chiến dịch tiêm chủng được tổ chức khoa học, bảo đảm giãn cách, có phương án xử trí các trường hợp phản ứng sau tiêm.",
    "Thành phố đã giải ngân hàng trăm tỷ đồng hỗ trợ lao động tự do, hộ kinh doanh và người lao động mất việc do dịch bệnh.",
    "Tại khu vực phong tỏa, mỗi ngày đều có tình nguyện viên đi chợ hộ, chuyển hàng tiếp tế đến tận cửa từng hộ dân.",
    "Ông Trần Văn Huy, một người dân trong khu phong tỏa chia sẻ, gia đình ông được hỗ trợ chu đáo nên rất yên tâm.",
    "Các doanh nghiệp trong khu công nghiệp đã lập phương án sản xuất an toàn, bố trí khu nghỉ ngơi riêng cho công nhân.",
    "Với phương châm chống dịch như chống giặc, {place} quyết tâm khoanh vùng, dập dịch nhanh nhất, không để lây lan ra cộng đồng.",
    "Hà Nội tiếp tục tạm dừng các hoạt động không thiết yếu như quán bar, karaoke, vũ trường, spa và cơ sở thẩm mỹ.",
]

ENVIRONMENT = [
    "Theo thống kê, mỗi ngày {place} phát sinh hàng trăm tấn rác thải sinh hoạt, trong đó phần lớn chưa được phân loại tại nguồn.",
    "Nhiều đoạn mương thoát nước từng bốc mùi hôi thối nay đã được nạo vét, kè đá và trồng cây xanh hai bên bờ.",
    "Người dân trong khu vực cho biết, trước đây bãi đất trống này là nơi đổ trộm phế thải xây dựng, ruồi muỗi rất nhiều.",
    "Chính quyền {place} đã tổ chức ký cam kết bảo vệ môi trường với các hộ sản xuất kinh doanh trên địa bàn.",
    "Cuộc thi viết do Báo Kinh tế & Đô thị phối hợp với Sở Tài nguyên và Môi trường Hà Nội tổ chức, nhận tác phẩm trong suốt năm 2020.",
    "Các tác phẩm dự thi phản ánh chân thực những điển hình tốt, cách làm hay trong công tác bảo vệ môi trường ở cơ sở.",
    "Việc xả thải trực tiếp ra môi trường không chỉ gây ô nhiễm nguồn nước mà còn ảnh hưởng lâu dài tới sức khỏe người dân.",
    "Nhiều trường học đã đưa nội dung bảo vệ môi trường vào hoạt động ngoại khóa, hướng dẫn học sinh phân loại rác và tiết kiệm nước.",
    "Chỉ số chất lượng không khí có thời điểm ở mức kém, đặc biệt vào sáng sớm và chiều tối những ngày lặng gió.",
    "Hội Liên hiệp Phụ nữ {place} đã phát động phong trào nói không với túi ni lông, sử dụng làn đi chợ và túi vải.",
    "Mô hình ủ phân hữu cơ từ rác thải nhà bếp giúp nhiều hộ gia đình giảm đáng kể lượng rác phải thu gom mỗi ngày.",
    "Sở Tài nguyên và Môi trường đã tăng cường thanh tra, kiểm tra, xử lý nghiêm các cơ sở vi phạm quy định về xả thải.",
    "Những hàng cây xanh mới trồng không chỉ tạo cảnh quan mà còn góp phần giảm bụi, điều hòa không khí cho khu dân cư.",
    "Theo các chuyên gia, muốn giải quyết triệt để ô nhiễm cần sự vào cuộc đồng bộ của chính quyền, doanh nghiệp và người dân.",
    "Nhiều làng nghề vẫn chưa có hệ thống xử lý nước thải tập trung, nước thải chưa qua xử lý chảy thẳng ra kênh mương.",
    "Đoàn viên thanh niên {place} duy trì hoạt động “Ngày Chủ nhật xanh”, ra quân dọn dẹp vệ sinh đường làng, ngõ xóm.",
    "Việc đốt rơm rạ sau thu hoạch tạo ra những cột khói lớn, gây ô nhiễm không khí và mất an toàn giao thông.",
    "Thành phố đặt mục tiêu đến năm 2025 tỷ lệ rác thải sinh hoạt được thu gom, xử lý đạt 100% tại khu vực đô thị.",
    "Những thùng rác phân loại màu xanh, màu cam được đặt tại các khu chung cư, kèm hướng dẫn cụ thể cho từng loại rác.",
    "Nhờ sự kiên trì vận động, đến nay phần lớn hộ gia đình trong thôn đã tự giác đổ rác đúng giờ, đúng nơi quy định.",
    "Ban tổ chức cuộc thi đánh giá, nhiều bài viết có chất lượng tốt, phát hiện những vấn đề thời sự và đề xuất giải pháp khả thi.",
    "Nguồn nước sông, hồ được cải thiện rõ rệt khi các trạm xử lý nước thải đi vào hoạt động ổn định.",
]

OTHER = [
    "Sự kiện thu hút đông đảo người dân và du khách tham dự, tạo không khí sôi nổi trên địa bàn Thủ đô.",
    "Lãnh đạo thành phố đánh giá cao sự chuẩn bị chu đáo của các đơn vị tổ chức.",
    "Ban tổ chức cho biết, các hoạt động sẽ được duy trì thường xuyên trong thời gian tới.",
    "Nhiều ý kiến cho rằng đây là hướng đi phù hợp, cần được nhân rộng ra các địa phương khác.",
    "Các đại biểu đã thảo luận sôi nổi, thẳng thắn, đóng góp nhiều ý kiến tâm huyết, trách nhiệm.",
    "Theo kế hoạch, công trình sẽ hoàn thành và đưa vào sử dụng trong năm tới.",
]
