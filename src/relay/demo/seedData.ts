// Word lists for demo data: people, places and conversations in several languages.

export type Locale = {
  language: string;
  country: string;
  given: string[];
  family: string[];
  familyFirst: boolean;
  streets: string[];
  cities: string[];
  companies: string[];
};

export const LOCALES: Locale[] = [
  {
    language: 'zh-CN',
    country: 'CN',
    familyFirst: true,
    given: ['伟', '芳', '娜', '敏', '静', '磊', '洋', '艳', '勇', '杰', '婷', '晨', '子涵', '浩然', '雨桐'],
    family: ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙'],
    streets: ['世纪大道', '南京西路', '淮海中路', '长安街', '人民路', '中山北路'],
    cities: ['上海市浦东新区', '北京市朝阳区', '广州市天河区', '深圳市南山区', '杭州市西湖区'],
    companies: ['华联贸易有限公司', '东方物流', '星河科技', '锦江餐饮集团', ''],
  },
  {
    language: 'zh-TW',
    country: 'TW',
    familyFirst: true,
    given: ['家豪', '怡君', '志明', '淑芬', '俊傑', '雅婷'],
    family: ['林', '陳', '黃', '張', '李', '王'],
    streets: ['忠孝東路', '信義路', '中山北路', '民生東路'],
    cities: ['台北市大安區', '台北市信義區', '新北市板橋區', '台中市西屯區'],
    companies: ['台灣精密工業', '福爾摩沙貿易', ''],
  },
  {
    language: 'en-US',
    country: 'US',
    familyFirst: false,
    given: ['James', 'Mary', 'Robert', 'Patricia', 'Michael', 'Linda', 'Emily', 'Daniel', 'Olivia', 'Noah'],
    family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson'],
    streets: ['Main Street', 'Oak Avenue', 'Maple Drive', 'Broadway', 'Market Street'],
    cities: ['New York, NY', 'San Francisco, CA', 'Austin, TX', 'Chicago, IL', 'Seattle, WA'],
    companies: ['Acme Corp', 'Globex', 'Initech', 'Umbrella Logistics', ''],
  },
  {
    language: 'en-GB',
    country: 'GB',
    familyFirst: false,
    given: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Charlotte'],
    family: ['Taylor', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright'],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road'],
    cities: ['London', 'Manchester', 'Bristol', 'Edinburgh'],
    companies: ['Britannia Foods Ltd', 'Thames Freight', ''],
  },
  {
    language: 'de-DE',
    country: 'DE',
    familyFirst: false,
    given: ['Lukas', 'Sophie', 'Maximilian', 'Marie', 'Jonas', 'Lena', 'Jürgen', 'Käthe'],
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Schäfer'],
    streets: ['Hauptstraße', 'Schillerstraße', 'Goethestraße', 'Bahnhofstraße'],
    cities: ['10115 Berlin', '80331 München', '20095 Hamburg', '50667 Köln'],
    companies: ['Müller & Söhne GmbH', 'Nordlicht AG', ''],
  },
  {
    language: 'es-ES',
    country: 'ES',
    familyFirst: false,
    given: ['Lucía', 'Hugo', 'Martina', 'Mateo', 'Sofía', 'José'],
    family: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez'],
    streets: ['Calle Mayor', 'Gran Vía', 'Calle de Alcalá', 'Paseo de Gracia'],
    cities: ['28013 Madrid', '08007 Barcelona', '41001 Sevilla', '46002 Valencia'],
    companies: ['Ibérica Comercial S.L.', ''],
  },
  {
    language: 'fr-FR',
    country: 'FR',
    familyFirst: false,
    given: ['Léa', 'Gabriel', 'Chloé', 'Raphaël', 'Manon', 'Élodie'],
    family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Lefèvre'],
    streets: ['rue de Rivoli', 'avenue des Champs-Élysées', 'rue de la République', 'boulevard Voltaire'],
    cities: ['75001 Paris', '69002 Lyon', '13001 Marseille', '31000 Toulouse'],
    companies: ['Société Lumière SARL', ''],
  },
  {
    language: 'ja-JP',
    country: 'JP',
    familyFirst: true,
    given: ['太郎', '花子', '翔', '陽菜', '蓮', 'さくら'],
    family: ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺'],
    streets: ['銀座1丁目', '西新宿2丁目', '梅田3丁目', '栄4丁目'],
    cities: ['東京都中央区', '東京都新宿区', '大阪市北区', '名古屋市中区'],
    companies: ['株式会社サクラ商事', ''],
  },
];

/** National significant number patterns of mobile ranges, digits drawn at random (`#`). */
export const PHONE_PATTERNS: Record<string, string[]> = {
  CN: ['+86 13# #### ####', '+86 15# #### ####', '+86 18# #### ####'],
  TW: ['+886 9## ### ###'],
  US: ['+1 212 2## ####', '+1 415 3## ####', '+1 646 7## ####', '+1 512 4## ####'],
  GB: ['+44 7911 ######', '+44 7400 ######'],
  DE: ['+49 151 ########', '+49 170 #######'],
  ES: ['+34 6## ### ###'],
  FR: ['+33 6 ## ## ## ##', '+33 7 5# ## ## ##'],
  JP: ['+81 90 #### ####', '+81 80 #### ####'],
};

export type Thread = { subject: string; lines: string[] };

/** Customer and agent lines alternate, starting with the customer. */
export const THREADS: Record<'en' | 'zh', Thread[]> = {
  en: [
    {
      subject: 'Where is my order?',
      lines: [
        'Hi, my order #{n} has not arrived yet. Can you check?',
        'Sorry about the wait! It left our warehouse yesterday and should arrive within 2 days.',
        'Great, thanks for checking.',
        'You are welcome. Anything else I can help with?',
      ],
    },
    {
      subject: 'Refund request',
      lines: [
        'I would like a refund for the blender I bought last week, it stopped working.',
        'I am sorry to hear that. I have started a refund; you will see it in 3–5 business days.',
        'Thank you!',
      ],
    },
    {
      subject: 'Change delivery address',
      lines: [
        'Can I change the delivery address for order #{n}?',
        'Yes, please send me the new address and I will update it.',
        '12 Oak Avenue, Apartment 4B.',
        'Done: the parcel will go to 12 Oak Avenue, Apt 4B.',
      ],
    },
    {
      subject: 'Invoice needed',
      lines: [
        'Could you send me an invoice with our VAT number for order #{n}?',
        'Of course, the invoice is attached. Let me know if anything is missing.',
      ],
    },
  ],
  zh: [
    {
      subject: '订单物流查询',
      lines: [
        '你好，我的订单 #{n} 还没有到，能帮我查一下物流状态吗？',
        '您好，您的包裹昨天已经从仓库发出，预计两天内送达。',
        '好的，谢谢！',
        '不客气，还有其他可以帮您的吗？',
      ],
    },
    {
      subject: '申请退款',
      lines: [
        '我上周买的电饭煲坏了，想申请退款。',
        '非常抱歉给您带来不便，退款已经提交，三到五个工作日内到账。',
        '谢谢你们的帮助。',
      ],
    },
    {
      subject: '修改收货地址',
      lines: [
        '请问订单 #{n} 还能修改收货地址吗？',
        '可以的，请把新的地址发给我。',
        '上海市浦东新区世纪大道100号。',
        '已经帮您修改好了。',
      ],
    },
    {
      subject: '發票問題',
      lines: ['請問可以幫我開立訂單 #{n} 的發票嗎？', '沒問題，發票已寄到您的電子郵件信箱。'],
    },
  ],
};

export const LABELS = [
  { name: 'VIP', color: '#d97706' },
  { name: 'Refund', color: '#dc2626' },
  { name: 'Shipping', color: '#2563eb' },
  { name: '投诉', color: '#7c3aed' },
  { name: 'Billing', color: '#059669' },
];

export const CANNED = [
  {
    shortCode: 'hello',
    title: 'Greeting',
    body: 'Hello! Thanks for contacting us. How can I help you today?',
  },
  { shortCode: 'thanks', title: 'Closing', body: 'Thank you for your patience. Have a great day!' },
  { shortCode: 'nihao', title: '问候', body: '您好！感谢您的联系，请问有什么可以帮您？' },
  { shortCode: 'xiexie', title: '结束语', body: '感谢您的耐心等待，祝您生活愉快！' },
  {
    shortCode: 'refund',
    title: 'Refund started',
    body: 'I have started your refund; it will reach your account within 3–5 business days.',
  },
];
